package io.igstream.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event on its way to a micro-batch: the original payload, where it was consumed (for dead
 * letters after repartitioning), when it was buffered (for the maximum wait after a restart) and
 * the record's timestamp (the event time of summaries when the event carries none).
 */
record Envelope(
    String payload,
    String eventId,
    String model,
    String version,
    String topic,
    int partition,
    long offset,
    long bufferedAtMs,
    long timestampMs) {

  private static final ObjectMapper JSON = new ObjectMapper();

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("payload", payload);
    node.put("event_id", eventId);
    node.put("model", model);
    node.put("version", version);
    node.put("topic", topic);
    node.put("partition", partition);
    node.put("offset", offset);
    node.put("buffered_at_ms", bufferedAtMs);
    node.put("timestamp_ms", timestampMs);
    return node.toString();
  }

  Envelope bufferedAt(long ms) {
    return new Envelope(
        payload, eventId, model, version, topic, partition, offset, ms, timestampMs);
  }

  static Envelope fromJson(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return new Envelope(
          node.get("payload").asText(),
          node.get("event_id").asText(),
          node.get("model").asText(),
          node.get("version").asText(),
          node.get("topic").asText(),
          node.get("partition").asInt(),
          node.get("offset").asLong(),
          node.get("buffered_at_ms").asLong(),
          // Envelopes buffered before summaries existed have no timestamp: their buffering time.
          node.has("timestamp_ms")
              ? node.get("timestamp_ms").asLong()
              : node.get("buffered_at_ms").asLong());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt buffered envelope: " + e.getMessage(), e);
    }
  }
}
