package io.igstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.drift.Baseline;
import io.igstream.drift.BaselineBuilder;
import io.igstream.drift.DriftPolicy;
import io.igstream.drift.Observation;
import io.igstream.event.BatchExplainer;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two summary stages with TopologyTestDriver: partial windows per shard merged into one summary
 * per model-version window, closed by event time or, when idle, by the wall clock; late events
 * counted; skew alerts from a shifted feature; small windows reported as insufficient. The
 * explainer is a stand-in that attributes a known linear model ({@code a = w * x}); the real engine
 * runs in the broker tests.
 */
class SummaryTopologyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long WINDOW = 60_000;
  private static final double[] WEIGHTS = {2.0, 1.0, 0.5};

  @TempDir Path state;

  private TopologyTestDriver driver;
  private TestInputTopic<String, String> input;
  private TestOutputTopic<String, String> summaries;
  private TestOutputTopic<String, String> alerts;
  private TestOutputTopic<String, String> attributions;
  private final Random random = new Random(11);
  private int next;

  /** The linear model's observation of an instance. */
  private static Observation observe(double[] x) {
    Map<String, Double> values = Map.of("x0", x[0], "x1", x[1], "x2", x[2]);
    Map<String, Double> a =
        Map.of("x0", WEIGHTS[0] * x[0], "x1", WEIGHTS[1] * x[1], "x2", WEIGHTS[2] * x[2]);
    double f = a.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Observation(values, a, null, f, 1e-4, "hash-a");
  }

  private final BatchExplainer linear =
      (model, version, events) -> {
        List<Outcome> out = new ArrayList<>();
        for (PredictionEvent e : events) {
          double[] x = e.inputs().get("x").values();
          out.add(
              new Outcome.Explained(
                  e.eventId(), JSON.createObjectNode().put("event_id", e.eventId()), observe(x)));
        }
        return out;
      };

  private Baseline baseline() {
    BaselineBuilder builder = new BaselineBuilder();
    Random training = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      builder.add(observe(instance(training, 0)));
    }
    return new Baseline("m", "1", "2025-12-01T00:00:00Z", "train", "hash-a", null, builder.build());
  }

  private static double[] instance(Random r, double shift) {
    return new double[] {r.nextGaussian() + shift, r.nextGaussian(), r.nextGaussian()};
  }

  private void start(Baseline baseline) {
    SummaryReferences references =
        new SummaryReferences() {
          @Override
          public Optional<Located> baseline(String model, String version) {
            return Optional.ofNullable(baseline).map(b -> new Located(b, "version"));
          }

          @Override
          public DriftPolicy policy(String model) {
            return DriftPolicy.defaults();
          }
        };
    StreamSettings settings =
        new StreamSettings(
            "in", "out", "dlq", "batches", 16, Duration.ofSeconds(1), 4, 1.0, Map.of(), Map.of());
    SummarySettings windows =
        new SummarySettings(
            true,
            "summaries",
            "alerts",
            "partials",
            Duration.ofMillis(WINDOW),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            DriftPolicy.DEFAULT_MIN_EVENTS);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "igstream-summary-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry());
    driver =
        new TopologyTestDriver(
            ExplanationTopology.build(
                settings,
                windows,
                linear,
                references,
                metrics,
                new DriftMetrics(metrics.registry())),
            props,
            // The wall clock is ahead of every event time, as in production.
            Instant.ofEpochMilli(T0 + 3_600_000));
    input =
        driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
    summaries = output("summaries");
    alerts = output("alerts");
    attributions = output("out");
  }

  private TestOutputTopic<String, String> output(String topic) {
    return driver.createOutputTopic(
        topic, Serdes.String().deserializer(), Serdes.String().deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  /** Sends n events spread over window w (event time), shifted feature x0 by {@code shift}. */
  private void window(int w, int n, double shift) {
    for (int i = 0; i < n; i++) {
      double[] x = instance(random, shift);
      long t = T0 + w * WINDOW + (long) (i * (WINDOW - 1) / (double) n);
      input.pipeInput(
          "k",
          "{\"event_id\":\"e"
              + (next++)
              + "\",\"model\":\"m\",\"version\":\"1\",\"event_time\":\""
              + Instant.ofEpochMilli(t)
              + "\",\"inputs\":{\"x\":["
              + x[0]
              + ","
              + x[1]
              + ","
              + x[2]
              + "]}}");
    }
    // Flush the micro-batches (max wait 1 s on the wall clock).
    driver.advanceWallClockTime(Duration.ofSeconds(2));
  }

  private List<JsonNode> read(TestOutputTopic<String, String> topic) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String v : topic.readValuesToList()) {
      out.add(JSON.readTree(v));
    }
    return out;
  }

  @Test
  void stationaryWindowsAreQuietAShiftedFeatureRaisesASkewAlertNamingIt() throws IOException {
    start(baseline());
    for (int w = 0; w < 4; w++) {
      window(w, 400, 0);
    }
    window(4, 400, 3.0);
    window(5, 20, 0);
    // Nothing more arrives: idle shards close their windows with the wall clock.
    driver.advanceWallClockTime(Duration.ofMinutes(5));

    List<JsonNode> all = read(summaries);
    assertThat(all)
        .extracting(s -> s.get("events").asLong())
        .containsExactly(400L, 400L, 400L, 400L, 400L, 20L);
    for (JsonNode s : all.subList(0, 4)) {
      assertThat(s.get("status").asText()).as(s.get("window").toString()).isEqualTo("OK");
      assertThat(s.get("baseline").get("status").asText()).isEqualTo("OK");
    }
    JsonNode shifted = all.get(4);
    JsonNode x0 = feature(shifted, "x0");
    assertThat(x0.get("skew").get("value").get("status").asText()).isEqualTo("ALERT");
    assertThat(x0.get("skew").get("value").get("jensen_shannon").get("value").asDouble())
        .isGreaterThan(0.3);
    assertThat(feature(shifted, "x1").get("skew").get("value").get("status").asText())
        .isEqualTo("OK");
    // Drift against the previous (stationary) window sees it too.
    assertThat(x0.get("drift").get("value").get("status").asText()).isEqualTo("ALERT");
    JsonNode small = all.get(5);
    assertThat(small.get("status").asText()).isEqualTo("INSUFFICIENT_DATA");
    assertThat(feature(small, "x0").get("skew").get("value").get("status").asText())
        .isEqualTo("INSUFFICIENT_DATA");

    List<JsonNode> raised = read(alerts);
    assertThat(raised).isNotEmpty();
    assertThat(raised)
        .allSatisfy(
            a ->
                assertThat(a.get("window").get("start").asText())
                    .isEqualTo(Instant.ofEpochMilli(T0 + 4 * WINDOW).toString()));
    assertThat(raised)
        .anySatisfy(
            a -> {
              assertThat(a.get("comparison").asText()).isEqualTo("skew");
              assertThat(a.get("objective").asText()).isEqualTo("feature_value");
              assertThat(a.get("feature").asText()).isEqualTo("x0");
              assertThat(a.get("algorithm").asText()).isEqualTo("jensen_shannon");
              assertThat(a.get("message").asText()).contains("'x0'").contains("model m version 1");
            });
    assertThat(raised).noneSatisfy(a -> assertThat(a.get("feature").asText()).isIn("x1", "x2"));
  }

  @Test
  void lateEventsAreCountedInTheNextSummaryAndEveryExplainedEventOnce() throws IOException {
    start(null);
    window(0, 300, 0);
    window(1, 300, 0);
    // Window 0 closed once event time passed 70 s; these belong to it and are late.
    window(0, 7, 0);
    window(2, 300, 0);
    driver.advanceWallClockTime(Duration.ofMinutes(5));

    List<JsonNode> all = read(summaries);
    long explained = attributions.getQueueSize();
    long counted = 0;
    long late = 0;
    for (JsonNode s : all) {
      counted += s.get("events").asLong() + s.get("late_events").asLong();
      late += s.get("late_events").asLong();
      assertThat(s.get("baseline").get("status").asText()).isEqualTo("NO_BASELINE");
    }
    assertThat(late).isEqualTo(7);
    assertThat(counted).isEqualTo(explained).isEqualTo(907);
    assertThat(all).extracting(s -> s.get("events").asLong()).containsExactly(300L, 300L, 300L);
    // Without a baseline, drift still compares consecutive windows (from the sketches).
    assertThat(feature(all.get(1), "x0").get("drift").get("value").get("status").asText())
        .isEqualTo("OK");
    assertThat(feature(all.get(0), "x0").get("drift").get("value").get("status").asText())
        .isEqualTo("NO_BASELINE");
  }

  @Test
  void absurdAndFutureEventTimesNeitherCrashNorCloseOpenWindows() throws IOException {
    start(null);
    window(0, 300, 0);
    // An instant past Long milliseconds, and one in 2099 (a clock labelled wrongly).
    for (String time : new String[] {"+300000000-01-01T00:00:00Z", "2099-01-01T00:00:00Z"}) {
      input.pipeInput(
          "k",
          "{\"event_id\":\"odd-"
              + time.length()
              + "\",\"model\":\"m\",\"version\":\"1\",\"event_time\":\""
              + time
              + "\",\"inputs\":{\"x\":[0.1,0.2,0.3]}}");
    }
    driver.advanceWallClockTime(Duration.ofSeconds(2));
    window(0, 100, 0);
    driver.advanceWallClockTime(Duration.ofMinutes(5));

    List<JsonNode> all = read(summaries);
    assertThat(attributions.getQueueSize()).isEqualTo(402);
    long counted = 0;
    for (JsonNode s : all) {
      counted += s.get("events").asLong() + s.get("late_events").asLong();
    }
    assertThat(counted).isEqualTo(402);
    // Window 0 was not closed early by the 2099 event: its later 100 events are in it, not late,
    // and the two unusable times were counted in the shard's current window (window 0).
    assertThat(all.get(0).get("events").asLong()).isEqualTo(402);
    assertThat(all.get(0).get("late_events").asLong()).isZero();
  }

  private static JsonNode feature(JsonNode summary, String name) {
    for (JsonNode f : summary.get("features")) {
      if (f.get("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + summary);
  }
}
