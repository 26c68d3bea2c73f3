package io.igstream.live;

/** Where a record was read: its topic, partition, offset and Kafka timestamp. */
public record Origin(String topic, int partition, long offset, long timestampMillis) {}
