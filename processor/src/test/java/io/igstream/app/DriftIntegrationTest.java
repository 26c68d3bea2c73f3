package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.drift.Baseline;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.TestBrokers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Drift and skew summaries end to end on a real broker with the real diabetes models: a baseline
 * made by {@code igstream baseline} from the training split; a stationary stream of held-out rows
 * over several windows raises no alert; moving bmi by about two standard deviations raises a
 * value-skew alert naming bmi; version 2 (trained without bmi, same inputs) raises an attribution
 * alert naming bmi against the model's baseline made with version 1; a window of 20 events is
 * INSUFFICIENT_DATA; and every explained event is counted in exactly one summary.
 */
class DriftIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WINDOW_MS = 10_000;
  private static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
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
  void stationaryIsQuietShiftsAndANewVersionRaiseAlertsNamingTheFeature() throws Exception {
    ModelRoots.deploy(models, "diabetes", "1", "diabetes", "1");
    ModelRoots.deploy(models, "diabetes", "2", "diabetes", "2");
    // The fixture's own version-1 baseline would be found first: this test makes the model's.
    Files.deleteIfExists(models.resolve("diabetes/1").resolve(Baseline.FILE_NAME));
    Path data = Fixtures.root().resolve("data");
    Path baseline = models.resolve("diabetes").resolve(Baseline.FILE_NAME);
    int exit =
        new CommandLine(new Main())
            .execute(
                "baseline",
                "--model-dir",
                models.resolve("diabetes/1").toString(),
                "--data",
                data.resolve("diabetes.train.csv").toString(),
                "--output",
                baseline.toString());
    assertThat(exit).isZero();
    assertThat(Baseline.read(baseline).state().events()).isEqualTo(353);

    String run = "drift-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> env = RunTopics.prefixed(run);
    env.put("IGSTREAM_SUMMARIES_WINDOW_MS", String.valueOf(WINDOW_MS));
    // Event time runs faster than the wall clock here; the producer sends a window once the
    // previous one is explained, so the input partitions stay well within the grace period.
    env.put("IGSTREAM_SUMMARIES_GRACE_MS", "5000");
    // Sparse shards close their idle windows later when event time is compressed: wait for them.
    env.put("IGSTREAM_SUMMARIES_MERGE_WAIT_MS", "20000");
    env.put("IGSTREAM_BATCH_MAX_WAIT_MS", "200");
    env.put("IGSTREAM_HTTP_PORT", "-1");
    env.put("IGSTREAM_KAFKA_STATE_DIR", state.toString());
    env.put("IGSTREAM_KAFKA_COMMIT_INTERVAL_MS", "200");
    AppConfig config =
        AppConfig.load(null, env).withBrokerAndModels(broker.bootstrapServers(), models, run);

    List<Map<String, Double>> rows = FeatureRows.read(data.resolve("diabetes.test.csv"));
    Random random = new Random(42);
    List<ProducerRecord<String, String>> events = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      window(events, config, rows, random, "1", w, 300, 0.0);
    }
    window(events, config, rows, random, "1", 4, 300, 0.1);
    window(events, config, rows, random, "1", 5, 300, 0.1);
    window(events, config, rows, random, "2", 6, 300, 0.0);
    window(events, config, rows, random, "2", 7, 300, 0.0);
    window(events, config, rows, random, "1", 8, 20, 0.0);

    Map<String, JsonNode> summaries = new HashMap<>();
    List<JsonNode> alerts = new ArrayList<>();
    int attributions = 0;
    try (RunCommand.Running running = RunCommand.Running.start(config);
        KafkaProducer<String, String> producer =
            io.igstream.testing.TestClients.producer(broker.bootstrapServers());
        KafkaConsumer<String, String> consumer = consumer(config)) {
      // One window after the other, as a live stream arrives: the next window's events are sent
      // once the stream has explained the previous ones (the first wait covers its start-up), so
      // the input partitions never drift apart by more than the grace period in event time.
      String lastWindow = null;
      int sent = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      for (ProducerRecord<String, String> e : events) {
        String window = e.key().substring(0, e.key().lastIndexOf('-'));
        if (lastWindow != null && !window.equals(lastWindow)) {
          producer.flush();
          while (attributions < sent && System.nanoTime() < deadline) {
            attributions += read(consumer, config, summaries, alerts);
          }
        }
        lastWindow = window;
        producer.send(e);
        sent++;
      }
      producer.flush();
      while (System.nanoTime() < deadline
          && !(summaries.containsKey("1@8")
              && summaries.containsKey("2@7")
              && attributions == events.size())) {
        attributions += read(consumer, config, summaries, alerts);
      }
      // The drift gauges and alert counters are on /metrics' registry.
      assertThat(
              running
                  .registry
                  .find("igstream.drift.score")
                  .tags("model", "diabetes", "version", "1", "feature", "bmi", "comparison", "skew")
                  .gauges())
          .isNotEmpty();
      assertThat(running.registry.find("igstream.alerts").tags("version", "1").counter())
          .isNotNull();
      assertThat(running.registry.find("igstream.summary.window_lag_seconds").gauges())
          .isNotEmpty();
      // Alerts of the last windows are written with their summaries; read what is left.
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(2))) {
        if (r.topic().equals(config.summaries().alertsTopic())) {
          alerts.add(JSON.readTree(r.value()));
        } else if (r.topic().equals(config.stream().attributionsTopic())) {
          attributions++;
        }
      }
    }

    assertThat(summaries.keySet())
        .containsExactlyInAnyOrder("1@0", "1@1", "1@2", "1@3", "1@4", "1@5", "2@6", "2@7", "1@8");
    assertThat(attributions).isEqualTo(events.size());
    long counted = 0;
    for (JsonNode s : summaries.values()) {
      counted += s.get("events").asLong() + s.get("late_events").asLong();
      assertThat(s.get("baseline").get("status").asText()).isEqualTo("OK");
      assertThat(s.get("baseline").get("scope").asText()).isEqualTo("model");
    }
    assertThat(counted).as("every explained event in exactly one summary").isEqualTo(events.size());

    // Stationary windows: nothing alerts.
    for (String w : List.of("1@0", "1@1", "1@2", "1@3")) {
      assertThat(summaries.get(w).get("status").asText()).as(w).isIn("OK", "WARN");
    }
    assertThat(alerts).noneSatisfy(a -> assertThat(windowIndex(a)).isLessThan(4));

    // bmi moved: a value-skew alert naming bmi in the first shifted window.
    assertThat(alerts)
        .anySatisfy(
            a -> {
              assertThat(windowIndex(a)).isEqualTo(4);
              assertThat(a.get("version").asText()).isEqualTo("1");
              assertThat(a.get("comparison").asText()).isEqualTo("skew");
              assertThat(a.get("objective").asText()).isEqualTo("feature_value");
              assertThat(a.get("feature").asText()).isEqualTo("bmi");
            });
    assertThat(alerts)
        .filteredOn(a -> a.get("objective").asText().equals("feature_value"))
        .allSatisfy(a -> assertThat(a.get("feature").asText()).isEqualTo("bmi"));
    JsonNode bmiDrift = feature(summaries.get("1@4"), "bmi").get("drift").get("value");
    assertThat(bmiDrift.get("status").asText()).isEqualTo("ALERT");

    // Version 2 relies on other features: an attribution alert names bmi; its values did not move.
    assertThat(alerts)
        .anySatisfy(
            a -> {
              assertThat(a.get("version").asText()).isEqualTo("2");
              assertThat(a.get("objective").asText()).isEqualTo("feature_attribution");
              assertThat(a.get("feature").asText()).isEqualTo("bmi");
            });
    assertThat(alerts)
        .filteredOn(a -> a.get("version").asText().equals("2"))
        .noneSatisfy(a -> assertThat(a.get("objective").asText()).isEqualTo("feature_value"));
    JsonNode v2bmi = feature(summaries.get("2@6"), "bmi");
    assertThat(v2bmi.get("attribution").get("share").asDouble())
        .isLessThan(0.2 * v2bmi.get("skew").get("attribution").get("reference_share").asDouble());

    // A window of 20 events is insufficient data, not an alert.
    JsonNode small = summaries.get("1@8");
    assertThat(small.get("events").asLong()).isEqualTo(20);
    assertThat(small.get("status").asText()).isEqualTo("INSUFFICIENT_DATA");
    assertThat(feature(small, "bmi").get("skew").get("value").get("status").asText())
        .isEqualTo("INSUFFICIENT_DATA");
    assertThat(alerts).noneSatisfy(a -> assertThat(windowIndex(a)).isEqualTo(8));
  }

  /** Reads what is there; returns the number of attributions read. */
  private static int read(
      KafkaConsumer<String, String> consumer,
      AppConfig config,
      Map<String, JsonNode> summaries,
      List<JsonNode> alerts)
      throws IOException {
    int attributions = 0;
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
      JsonNode node = JSON.readTree(r.value());
      if (r.topic().equals(config.summaries().summariesTopic())) {
        long start = Instant.parse(node.get("window").get("start").asText()).toEpochMilli();
        summaries.put(node.get("version").asText() + "@" + (start - T0) / WINDOW_MS, node);
      } else if (r.topic().equals(config.summaries().alertsTopic())) {
        alerts.add(node);
      } else if (r.topic().equals(config.stream().attributionsTopic())) {
        attributions++;
      }
    }
    return attributions;
  }

  private static long windowIndex(JsonNode alert) {
    return (Instant.parse(alert.get("window").get("start").asText()).toEpochMilli() - T0)
        / WINDOW_MS;
  }

  private static JsonNode feature(JsonNode summary, String name) {
    for (JsonNode f : summary.get("features")) {
      if (f.get("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name);
  }

  /** n events of window w (event time), rows drawn with replacement, bmi moved by shift. */
  private static void window(
      List<ProducerRecord<String, String>> out,
      AppConfig config,
      List<Map<String, Double>> rows,
      Random random,
      String version,
      int w,
      int n,
      double shift) {
    for (int i = 0; i < n; i++) {
      Map<String, Double> row = new LinkedHashMap<>(rows.get(random.nextInt(rows.size())));
      row.put("bmi", row.get("bmi") + shift);
      ObjectNode event = JSON.createObjectNode();
      String id = "d" + version + "-" + w + "-" + i;
      event.put("event_id", id);
      event.put("model", "diabetes");
      event.put("version", version);
      event.put(
          "event_time",
          Instant.ofEpochMilli(T0 + w * WINDOW_MS + i * (WINDOW_MS - 1) / n).toString());
      ObjectNode features = event.putObject("features");
      row.forEach(features::put);
      out.add(new ProducerRecord<>(config.stream().inputTopic(), id, event.toString()));
    }
  }

  private static KafkaConsumer<String, String> consumer(AppConfig config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "drift-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(
        List.of(
            config.stream().attributionsTopic(),
            config.summaries().summariesTopic(),
            config.summaries().alertsTopic()));
    return consumer;
  }
}
