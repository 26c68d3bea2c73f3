package io.igstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.BatchExplainer;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching and routing of the topology with TopologyTestDriver. The explainer here is a recording
 * stand-in: what is under test is which events reach it, in which batches, and where every outcome
 * goes; the real explainer runs in the broker integration tests.
 */
class ExplanationTopologyTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;

  private final List<List<String>> batches = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, String> input;
  private TestOutputTopic<String, String> attributions;
  private TestOutputTopic<String, String> deadLetters;
  private StreamMetrics metrics;

  /** Explains every event, except that model "broken" cannot be loaded. */
  private final BatchExplainer recording =
      (model, version, events) -> {
        batches.add(events.stream().map(PredictionEvent::eventId).toList());
        List<Outcome> out = new ArrayList<>();
        for (PredictionEvent event : events) {
          out.add(
              model.equals("broken")
                  ? new Outcome.Failed(
                      event.eventId(),
                      model,
                      version,
                      "model",
                      "model broken version 1 was refused: no saved_model.pb")
                  : new Outcome.Explained(
                      event.eventId(),
                      JSON.createObjectNode()
                          .put("event_id", event.eventId())
                          .put("model", model)
                          .put("version", version)));
        }
        return out;
      };

  private void start(StreamSettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "igstream-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    metrics = new StreamMetrics(new SimpleMeterRegistry());
    driver = new TopologyTestDriver(ExplanationTopology.build(settings, recording, metrics), props);
    input =
        driver.createInputTopic(
            settings.inputTopic(), Serdes.String().serializer(), Serdes.String().serializer());
    attributions =
        driver.createOutputTopic(
            settings.attributionsTopic(),
            Serdes.String().deserializer(),
            Serdes.String().deserializer());
    deadLetters =
        driver.createOutputTopic(
            settings.deadLetterTopic(),
            Serdes.String().deserializer(),
            Serdes.String().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private static StreamSettings settings(int batchSize, int shards, Map<String, Double> sampling) {
    return new StreamSettings(
        "in",
        "out",
        "dlq",
        "batches",
        batchSize,
        Duration.ofSeconds(2),
        shards,
        1.0,
        sampling,
        Map.of());
  }

  private static String event(String id, String model, String version) {
    return "{\"event_id\":\""
        + id
        + "\",\"model\":\""
        + model
        + "\",\"version\":\""
        + version
        + "\",\"inputs\":{\"x\":[1,2]}}";
  }

  @Test
  void aFullBatchIsExplainedAtOnce() {
    start(settings(3, 1, Map.of()));
    input.pipeInput("k", event("a", "m", "1"));
    input.pipeInput("k", event("b", "m", "1"));
    assertThat(attributions.isEmpty()).isTrue();
    input.pipeInput("k", event("c", "m", "1"));
    assertThat(batches).containsExactly(List.of("a", "b", "c"));
    assertThat(attributions.readKeyValuesToList())
        .extracting(kv -> kv.key)
        .containsExactly("a", "b", "c");
  }

  @Test
  void anIdleStreamStillFlushesAfterTheMaximumWait() {
    start(settings(100, 1, Map.of()));
    input.pipeInput("k", event("a", "m", "1"));
    input.pipeInput("k", event("b", "m", "2"));
    driver.advanceWallClockTime(Duration.ofMillis(500));
    assertThat(attributions.isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    assertThat(batches).containsExactlyInAnyOrder(List.of("a"), List.of("b"));
    assertThat(attributions.getQueueSize()).isEqualTo(2);
  }

  @Test
  void versionsAreBatchedApart() {
    start(settings(2, 1, Map.of()));
    input.pipeInput("k", event("a", "m", "1"));
    input.pipeInput("k", event("b", "m", "2"));
    input.pipeInput("k", event("c", "m", "1"));
    input.pipeInput("k", event("d", "other", "1"));
    input.pipeInput("k", event("e", "m", "2"));
    assertThat(batches).containsExactly(List.of("a", "c"), List.of("b", "e"));
  }

  @Test
  void badEventsBecomeDeadLettersWithPayloadSourceAndReason() throws Exception {
    start(settings(1, 1, Map.of()));
    input.pipeInput("k", "{not json");
    input.pipeInput(
        "k", "{\"event_id\":\"x\",\"model\":\"../etc\",\"version\":\"1\",\"inputs\":{\"x\":1}}");
    input.pipeInput("k", event("ok", "m", "1"));
    List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    for (TestRecord<String, String> letter : dead) {
      io.igstream.testing.Schemas.assertValid(
          "dead-letter-record.schema.json", JSON.readTree(letter.value()));
    }
    JsonNode first = JSON.readTree(dead.get(0).value());
    assertThat(first.get("error").get("stage").asText()).isEqualTo("parse");
    assertThat(first.get("payload").asText()).isEqualTo("{not json");
    assertThat(first.get("source").get("topic").asText()).isEqualTo("in");
    assertThat(first.get("source").get("offset").asLong()).isZero();
    JsonNode second = JSON.readTree(dead.get(1).value());
    assertThat(second.get("event_id").asText()).isEqualTo("x");
    assertThat(second.get("error").get("reason").asText()).contains("no path separators");
    assertThat(second.get("source").get("offset").asLong()).isEqualTo(1);
    assertThat(attributions.readKeyValuesToList()).hasSize(1);
  }

  @Test
  void aRefusedModelDeadLettersItsEventsWithTheModelsReasonAndOthersCarryOn() throws Exception {
    start(settings(2, 1, Map.of()));
    input.pipeInput("k", event("a", "broken", "1"));
    input.pipeInput("k", event("b", "m", "1"));
    input.pipeInput("k", event("c", "broken", "1"));
    input.pipeInput("k", event("d", "m", "1"));
    List<TestRecord<String, String>> dead = deadLetters.readRecordsToList();
    assertThat(dead).extracting(TestRecord::key).containsExactly("a", "c");
    JsonNode letter = JSON.readTree(dead.get(0).value());
    io.igstream.testing.Schemas.assertValid("dead-letter-record.schema.json", letter);
    assertThat(letter.get("error").get("stage").asText()).isEqualTo("model");
    assertThat(letter.get("error").get("reason").asText()).contains("no saved_model.pb");
    assertThat(letter.get("source").get("offset").asLong()).isEqualTo(0);
    assertThat(JSON.readTree(letter.get("payload").asText()).get("event_id").asText())
        .isEqualTo("a");
    assertThat(attributions.readKeyValuesToList())
        .extracting(kv -> kv.key)
        .containsExactly("b", "d");
  }

  @Test
  void samplingIsDeterministicAndCountsWhatItSkips() {
    start(settings(1, 1, Map.of("half", 0.5, "none", 0.0)));
    int sent = 400;
    for (int i = 0; i < sent; i++) {
      input.pipeInput("k", event("h" + i, "half", "1"));
      input.pipeInput("k", event("n" + i, "none", "1"));
    }
    int explained = attributions.readKeyValuesToList().size();
    assertThat(explained).isBetween(150, 250);
    assertThat(metrics.notSampledCount()).isEqualTo(2.0 * sent - explained);
    for (int i = 0; i < sent; i++) {
      boolean sampled = PredictionKeyer.fraction("h" + i, "sample") < 0.5;
      assertThat(sampled).isEqualTo(PredictionKeyer.fraction("h" + i, "sample") < 0.5);
    }
  }

  @Test
  void shardsSpreadOneHotVersionOverSeveralKeys() {
    start(settings(1000, 4, Map.of()));
    Set<String> keys = new TreeSet<>();
    TestOutputTopic<String, String> batchTopic =
        driver.createOutputTopic(
            "batches", Serdes.String().deserializer(), Serdes.String().deserializer());
    for (int i = 0; i < 200; i++) {
      input.pipeInput("k", event("e" + i, "hot", "7"));
    }
    batchTopic.readKeyValuesToList().forEach(kv -> keys.add(kv.key));
    assertThat(keys).containsExactly("hot|7|0", "hot|7|1", "hot|7|2", "hot|7|3");
  }

  @Test
  void aModelsOwnShardCountOverridesTheDefault() {
    start(
        new StreamSettings(
            "in",
            "out",
            "dlq",
            "batches",
            1000,
            Duration.ofSeconds(2),
            1,
            1.0,
            Map.of(),
            Map.of("hot", 3)));
    Set<String> keys = new TreeSet<>();
    TestOutputTopic<String, String> batchTopic =
        driver.createOutputTopic(
            "batches", Serdes.String().deserializer(), Serdes.String().deserializer());
    for (int i = 0; i < 200; i++) {
      input.pipeInput("k", event("e" + i, "hot", "7"));
      input.pipeInput("k", event("q" + i, "quiet", "2"));
    }
    batchTopic.readKeyValuesToList().forEach(kv -> keys.add(kv.key));
    // A busy model spreads over its three shards; a quiet one stays whole, so its batches fill.
    assertThat(keys).containsExactly("hot|7|0", "hot|7|1", "hot|7|2", "quiet|2|0");
  }
}
