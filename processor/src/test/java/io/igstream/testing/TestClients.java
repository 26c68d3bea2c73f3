package io.igstream.testing;

import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain string producers and fresh-group consumers on a test broker. */
public final class TestClients {

  private TestClients() {}

  /**
   * A producer that waits for every replica, so a sent event is really on the input topic. Not
   * idempotent: on partitions seconds old (the processor has just created them), Kafka 4.3's broker
   * has answered NOT_LEADER_OR_FOLLOWER and then rejected the idempotent retry with
   * OUT_OF_ORDER_SEQUENCE_NUMBER until the batch expired (seen in about half the runs of the drift
   * test here). One request in flight keeps the order without it; a retry after NOT_LEADER cannot
   * duplicate, since that write was refused.
   */
  public static KafkaProducer<String, String> producer(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /**
   * A consumer in a group of its own reading from the start; {@code isolation} is {@code
   * read_committed} to see what exactly-once committed, {@code read_uncommitted} to see aborted
   * records too.
   */
  public static KafkaConsumer<String, String> consumer(
      String bootstrapServers, String isolation, String... topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topics));
    return consumer;
  }
}
