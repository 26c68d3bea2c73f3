package io.igstream.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the output topics (and the inputs of image events) into a {@link LiveState} on a daemon
 * thread with its own consumer. The stream threads never wait on it: should it fall behind, the
 * view lags. It assigns partitions itself and never commits, so it joins no group and leaves no
 * offsets behind; read_committed, so that aborted attempts of exactly-once writes never show.
 */
public final class LiveFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long PARTITION_CHECK_MS = 30_000;

  private final Properties consumerProps;
  private final FeedTopics topics;
  private final Duration history;
  private final LiveState state;
  private final Thread thread;
  private volatile boolean closed;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile long recordsRead;

  /**
   * @param clientProps connection settings (bootstrap servers, security) for the consumer
   * @param clientId prefix of the consumer's client id
   */
  public LiveFeed(
      Map<String, String> clientProps,
      String clientId,
      FeedTopics topics,
      Duration history,
      LiveState state) {
    this.topics = topics;
    this.history = history;
    this.state = state;
    consumerProps = new Properties();
    clientProps.forEach(
        (k, v) -> {
          if (ConsumerConfig.configNames().contains(k)) {
            consumerProps.put(k, v);
          }
        });
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-live-" + UUID.randomUUID());
    consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    // Bounds what one poll holds in memory (a record larger than this still comes alone).
    consumerProps.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(16 << 20));
    consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20));
    thread = new Thread(this::run, "igstream-live-feed");
    thread.setDaemon(true);
  }

  public LiveFeed start() {
    thread.start();
    return this;
  }

  /** Records read so far (all topics); for tests and logs. */
  public long recordsRead() {
    return recordsRead;
  }

  private void run() {
    long startedAt = System.currentTimeMillis();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer = c;
      long nextCheck = 0;
      Set<TopicPartition> assigned = new HashSet<>();
      while (!closed) {
        long now = System.currentTimeMillis();
        if (now >= nextCheck) {
          assign(c, assigned, startedAt - history.toMillis());
          // Until every topic exists, look again soon; afterwards only for added partitions.
          nextCheck = now + (coversAllTopics(assigned) ? PARTITION_CHECK_MS : 2_000);
        }
        if (assigned.isEmpty()) {
          Thread.sleep(500);
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
          handle(record, startedAt);
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() asked us to stop.
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("live view feed stopped: {}; the view no longer updates", e.toString(), e);
      }
    } finally {
      consumer = null;
    }
  }

  private boolean coversAllTopics(Set<TopicPartition> assigned) {
    Set<String> seen = new HashSet<>();
    assigned.forEach(tp -> seen.add(tp.topic()));
    return seen.containsAll(topics.all());
  }

  /** Adds partitions not yet read, starting each at the first record of the history period. */
  private void assign(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> assigned, long from) {
    Set<TopicPartition> fresh = new HashSet<>();
    for (String topic : topics.all()) {
      List<PartitionInfo> partitions;
      try {
        partitions = c.partitionsFor(topic, Duration.ofSeconds(5));
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        continue;
      }
      if (partitions == null) {
        continue;
      }
      for (PartitionInfo p : partitions) {
        TopicPartition tp = new TopicPartition(p.topic(), p.partition());
        if (!assigned.contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    assigned.addAll(fresh);
    c.assign(assigned);
    Map<TopicPartition, Long> times = new HashMap<>();
    fresh.forEach(tp -> times.put(tp, Math.max(0, from)));
    Map<TopicPartition, OffsetAndTimestamp> offsets =
        c.offsetsForTimes(times, Duration.ofSeconds(10));
    for (TopicPartition tp : fresh) {
      OffsetAndTimestamp at = offsets.get(tp);
      if (at != null) {
        c.seek(tp, at.offset());
      } else {
        // Nothing as recent as the history period: start with the next record.
        c.seekToEnd(List.of(tp));
      }
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record, long startedAt) {
    recordsRead++;
    if (record.value() == null) {
      return;
    }
    String raw = new String(record.value(), StandardCharsets.UTF_8);
    String topic = record.topic();
    if (topic.equals(topics.input()) && !LiveState.mayCarryImage(raw)) {
      return;
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(raw);
    } catch (JsonProcessingException e) {
      // Unreadable inputs are the stream's to dead-letter; the outputs are ours and always parse.
      return;
    }
    if (json == null || !json.isObject()) {
      return;
    }
    long arrival = System.currentTimeMillis();
    Origin origin = new Origin(topic, record.partition(), record.offset(), record.timestamp());
    if (topic.equals(topics.attributions())) {
      // Latency only for records written since the view started: replayed history would count
      // the time since they were written, not how long they took.
      double latency = record.timestamp() >= startedAt ? arrival - record.timestamp() : Double.NaN;
      state.attribution(json, origin, arrival, latency, raw);
    } else if (topic.equals(topics.deadLetters())) {
      state.deadLetter(json, origin, arrival, raw);
    } else if (topic.equals(topics.summaries())) {
      state.summary(json);
    } else if (topic.equals(topics.alerts())) {
      state.alert(json);
    } else if (topic.equals(topics.input())) {
      state.input(json);
    }
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(5_000);
      if (thread.isAlive()) {
        // Stuck outside poll (e.g. looking up partitions): interrupting ends that too.
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
