package io.igstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.registry.ModelRepository;
import io.igstream.registry.RepositoryBatchExplainer;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.TestBrokers;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stream on a real broker with real models: thousands of events across several models and
 * versions, some bad; every input gets exactly one output, attributions equal the engine's own for
 * the same event, and dead letters carry the right reasons.
 */
class StreamIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static KafkaBroker broker;

  @TempDir static Path models;
  @TempDir static Path state;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = TestBrokers.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void everyEventEndsAsExactlyOneCorrectRecord() throws Exception {
    ModelRoots.deploy(models, "linear", "linear", "1");
    ModelRoots.deploy(models, "linear", "linear", "2");
    ModelRoots.deploy(models, "breast_cancer", "breast_cancer", "1");
    ModelRoots.deploy(models, "breast_cancer", "breast_cancer", "3");
    ModelRoots.deploy(models, "text_sentiment", "text_sentiment", "1");
    ModelRoots.deploy(models, "multi_input", "multi_input", "1");
    ModelRoots.deploy(models, "digits_gru", "digits_gru", "1");

    List<ObjectNode> samples = new ArrayList<>();
    for (String[] mv :
        new String[][] {
          {"linear", "1"},
          {"linear", "2"},
          {"breast_cancer", "1"},
          {"breast_cancer", "3"},
          {"text_sentiment", "1"},
          {"multi_input", "1"}
        }) {
      for (JsonNode event : Fixtures.reference(mv[0]).get("events")) {
        ObjectNode copy = (ObjectNode) event.deepCopy();
        copy.put("version", mv[1]);
        copy.remove("label");
        samples.add(copy);
      }
    }
    String run = UUID.randomUUID().toString().substring(0, 6);
    StreamSettings settings = settingsAndTopics("", run, 32, 3);

    int total = 3000;
    Map<String, String> sent = new HashMap<>();
    Map<String, String> expectedFailure = new HashMap<>();
    try (KafkaProducer<String, String> producer =
        io.igstream.testing.TestClients.producer(broker.bootstrapServers())) {
      for (int i = 0; i < total; i++) {
        String id = "it-" + i;
        String value;
        switch (i % 40) {
          case 7 -> {
            value = "{\"event_id\":\"" + id + "\", broken";
            expectedFailure.put(id, "parse");
          }
          case 13 -> {
            value =
                "{\"event_id\":\""
                    + id
                    + "\",\"model\":\"ghost\",\"version\":\"1\",\"inputs\":{\"x\":[1]}}";
            expectedFailure.put(id, "model");
          }
          case 21 -> {
            value =
                "{\"event_id\":\""
                    + id
                    + "\",\"model\":\"linear\",\"version\":\"2\",\"inputs\":{\"x\":[1,2]}}";
            expectedFailure.put(id, "input");
          }
          case 33 -> {
            value =
                "{\"event_id\":\""
                    + id
                    + "\",\"model\":\"digits_gru\",\"version\":\"1\",\"inputs\":{\"rows\":"
                    + Fixtures.reference("digits_gru")
                        .get("events")
                        .get(0)
                        .get("inputs")
                        .get("rows")
                    + "}}";
            expectedFailure.put(id, "model");
          }
          default -> {
            ObjectNode event = samples.get(i % samples.size()).deepCopy();
            event.put("event_id", id);
            value = event.toString();
          }
        }
        sent.put(id, value);
        producer.send(new ProducerRecord<>(settings.inputTopic(), id, value));
      }
      producer.flush();
    }

    Properties props = streamsProps("it-" + run, state);
    Map<String, List<JsonNode>> outputs = new HashMap<>();
    Map<String, String> bySent = new HashMap<>();
    sent.forEach((id, value) -> bySent.put(value, id));
    try (ModelRepository repository =
            new ModelRepository(models, new ModelLoader(new OpRegistry()), 8);
        KafkaStreams streams = explanationStream(settings, repository, props);
        KafkaConsumer<String, String> consumer = consumer(settings)) {
      streams.start();
      outputs.putAll(readOutputs(consumer, total, value -> idOf(value, bySent)));

      assertThat(outputs.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
      assertThat(outputs.values()).allSatisfy(records -> assertThat(records).hasSize(1));
      expectedFailure.forEach(
          (id, stage) -> {
            JsonNode letter = outputs.get(id).get(0);
            assertThat(letter.has("error")).as(id).isTrue();
            assertThat(letter.get("error").get("stage").asText()).as(id).isEqualTo(stage);
            assertThat(letter.get("payload").asText()).isEqualTo(sent.get(id));
          });
      assertThat(outputs.get("it-13").get(0).get("error").get("reason").asText())
          .contains("no model version directory ghost/1");
      assertThat(outputs.get("it-33").get(0).get("error").get("reason").asText()).contains("While");
      assertThat(outputs.get("it-21").get(0).get("error").get("reason").asText())
          .contains("shape [2]");

      // Attributions equal what the engine computes for the same event directly.
      EventParser parser = new EventParser(JSON);
      int compared = 0;
      for (int i = 0; i < 400; i++) {
        String id = "it-" + i;
        if (expectedFailure.containsKey(id)) {
          continue;
        }
        JsonNode streamed = outputs.get(id).get(0);
        var event = parser.parse(sent.get(id));
        try (ModelRepository.Lease lease = repository.lease(event.model(), event.version())) {
          Outcome direct = lease.explainer().explain(List.of(event)).get(0);
          JsonNode expected = ((Outcome.Explained) direct).record();
          assertThat(streamed.get("target")).isEqualTo(expected.get("target"));
          assertThat(streamed.get("output_at_input").asDouble())
              .isCloseTo(
                  expected.get("output_at_input").asDouble(),
                  within(1e-6 * Math.max(1, Math.abs(expected.get("output_at_input").asDouble()))));
          assertArraysClose(streamed.get("attributions"), expected.get("attributions"));
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(300);
    }
  }

  /**
   * Guided IG and Blur IG through the stream on the broker: each event of two models configured
   * with them ends as one record naming its method, equal to what the model's explainer computes
   * for the event alone (their agreement with the Python references is checked in
   * ExplainCommandTest and the engines' own tests).
   */
  @Test
  void guidedAndBlurIgReachTheStream() throws Exception {
    Path root = models.resolve("path-methods");
    ModelRoots.deploy(root, "digits_cnn", "digits_guided", "1");
    ModelRoots.deploy(root, "digits_cnn", "digits_blur", "1");
    configure(
        root.resolve("digits_guided"),
        "guided_ig",
        "{\"fraction\":0.25,\"anchors\":2,\"max_dist\":0.02}",
        "guided");
    configure(
        root.resolve("digits_blur"),
        "blur_ig",
        "{\"max_sigma\":4,\"grad_step\":0.05,\"schedule\":\"sqrt\"}",
        "blur");
    String run = UUID.randomUUID().toString().substring(0, 6);
    StreamSettings settings = settingsAndTopics("p", run, 16, 2);
    JsonNode digits = Fixtures.reference("digits_cnn").get("events");
    Map<String, String> sent = new HashMap<>();
    try (KafkaProducer<String, String> producer =
        io.igstream.testing.TestClients.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 120; i++) {
        ObjectNode event = (ObjectNode) digits.get(i % digits.size()).deepCopy();
        event.remove("label");
        event.put("event_id", "path-" + i);
        event.put("model", i % 2 == 0 ? "digits_guided" : "digits_blur");
        event.put("version", "1");
        sent.put("path-" + i, event.toString());
        producer.send(new ProducerRecord<>(settings.inputTopic(), "path-" + i, event.toString()));
      }
      producer.flush();
    }
    Properties props = streamsProps("paths-" + run, state.resolve("paths-" + run));
    Map<String, List<JsonNode>> outputs = new HashMap<>();
    try (ModelRepository repository =
            new ModelRepository(root, new ModelLoader(new OpRegistry()), 4);
        KafkaStreams streams = explanationStream(settings, repository, props);
        KafkaConsumer<String, String> consumer = consumer(settings)) {
      streams.start();
      outputs.putAll(readOutputs(consumer, sent.size(), value -> value.get("event_id").asText()));
      assertThat(outputs.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
      assertThat(outputs.values()).allSatisfy(records -> assertThat(records).hasSize(1));
      EventParser parser = new EventParser(JSON);
      for (Map.Entry<String, String> entry : sent.entrySet()) {
        JsonNode streamed = outputs.get(entry.getKey()).get(0);
        assertThat(streamed.has("error")).as(streamed.toString()).isFalse();
        var event = parser.parse(entry.getValue());
        assertThat(streamed.get("method").asText())
            .isEqualTo(event.model().equals("digits_guided") ? "guided_ig" : "blur_ig");
        try (ModelRepository.Lease lease = repository.lease(event.model(), event.version())) {
          JsonNode expected =
              ((Outcome.Explained) lease.explainer().explain(List.of(event)).get(0)).record();
          assertThat(streamed.get("target")).isEqualTo(expected.get("target"));
          assertArraysClose(streamed.get("attributions"), expected.get("attributions"));
        }
      }
    }
  }

  /** Settings for one run's topics (names prefixed), and the topics created on the broker. */
  private static StreamSettings settingsAndTopics(
      String prefix, String run, int batchSize, int partitions) throws Exception {
    StreamSettings settings =
        new StreamSettings(
            prefix + "in-" + run,
            prefix + "out-" + run,
            prefix + "dlq-" + run,
            prefix + "batches-" + run,
            batchSize,
            Duration.ofMillis(300),
            partitions,
            1.0,
            Map.of(),
            Map.of());
    try (io.igstream.app.broker.Topics topics =
        io.igstream.app.broker.Topics.connect(broker.bootstrapServers())) {
      topics.create(
          Map.of(
              settings.inputTopic(), partitions,
              settings.batchTopic(), partitions,
              settings.attributionsTopic(), partitions,
              settings.deadLetterTopic(), 1),
          Duration.ofSeconds(30));
    }
    return settings;
  }

  /** The explanation topology over a model repository, not started. */
  private static KafkaStreams explanationStream(
      StreamSettings settings, ModelRepository repository, Properties props) {
    return new KafkaStreams(
        ExplanationTopology.build(
            settings,
            new RepositoryBatchExplainer(repository),
            new StreamMetrics(new SimpleMeterRegistry())),
        props);
  }

  /** Exactly-once Kafka Streams properties reading the input from its start. */
  private static Properties streamsProps(String applicationId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    return props;
  }

  /**
   * Every output record by event id, read until {@code expected} records came (at most three
   * minutes) and two seconds more, to catch duplicates arriving after the last expected record.
   */
  private static Map<String, List<JsonNode>> readOutputs(
      KafkaConsumer<String, String> consumer,
      int expected,
      java.util.function.Function<JsonNode, String> idOf)
      throws Exception {
    Map<String, List<JsonNode>> outputs = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    int received = 0;
    while (received < expected && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
        JsonNode value = JSON.readTree(record.value());
        outputs.computeIfAbsent(idOf.apply(value), k -> new ArrayList<>()).add(value);
        received++;
      }
    }
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(2))) {
      JsonNode value = JSON.readTree(record.value());
      outputs.computeIfAbsent(idOf.apply(value), k -> new ArrayList<>()).add(value);
    }
    return outputs;
  }

  /** Rewrites a deployed model's config to explain with a path method and its settings. */
  private static void configure(Path model, String method, String settings, String key)
      throws java.io.IOException {
    Path file = model.resolve(io.igstream.registry.ModelConfig.FILE_NAME);
    ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
    config.put("method", method);
    config.put("steps", 16);
    config.set(key, JSON.readTree(settings));
    java.nio.file.Files.writeString(file, config.toString());
  }

  /** The event id of an output; an unparseable event's dead letter is matched by its payload. */
  private static String idOf(JsonNode output, Map<String, String> idByPayload) {
    if (!output.get("event_id").isNull()) {
      return output.get("event_id").asText();
    }
    return idByPayload.getOrDefault(output.get("payload").asText(), "unknown payload");
  }

  private static void assertArraysClose(JsonNode actual, JsonNode expected) {
    if (expected.isNumber()) {
      assertThat(actual.asDouble())
          .isCloseTo(
              expected.asDouble(), within(1e-6 * Math.max(1, Math.abs(expected.asDouble()))));
      return;
    }
    if (expected.isObject()) {
      assertThat(actual.size()).isEqualTo(expected.size());
      expected
          .fieldNames()
          .forEachRemaining(name -> assertArraysClose(actual.get(name), expected.get(name)));
      return;
    }
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArraysClose(actual.get(i), expected.get(i));
    }
  }

  private static KafkaConsumer<String, String> consumer(StreamSettings settings) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(settings.attributionsTopic(), settings.deadLetterTopic()));
    return consumer;
  }
}
