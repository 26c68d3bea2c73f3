package io.igstream.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The view's state: bounded under load, its figures right, its grid taken from real records. */
class LiveStateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_780_000_000_000L;

  @Test
  void boundsHoldUnderTenThousandEventsOfAHundredVersions() {
    LiveState state = new LiveState(200, model -> 1.0);
    Random random = new Random(7);
    List<String> seenOrder = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String model = "m" + random.nextInt(100);
      seenOrder.add(model);
      long offset = i;
      if (i % 10 == 0) {
        state.deadLetter(deadLetter("e" + i, model, "model"), origin("dl", offset), T0 + i, "{}");
      } else {
        ObjectNode record = attribution("e" + i, model, 0.01);
        state.attribution(record, origin("attr", offset), T0 + i, 5, record.toString());
      }
      // Every version sees many windows and alerts; every event carries a 28 x 28 image.
      state.summary(summary(model, i));
      state.alert(alert(model, i));
      state.input(imageEvent("e" + i, 28));
    }
    // A few huge images: the byte bound, not the count, must hold them back.
    for (int i = 0; i < 40; i++) {
      state.input(imageEvent("big" + i, 400));
    }
    assertThat(state.versionCount()).isEqualTo(LiveState.MAX_VERSIONS);
    assertThat(state.recentCount()).isEqualTo(200);
    assertThat(state.inputCount()).isLessThanOrEqualTo(LiveState.MAX_INPUTS);
    assertThat(state.inputBytes()).isLessThanOrEqualTo(LiveState.MAX_INPUT_BYTES);
    assertThat(state.maxWindowsPerVersion()).isLessThanOrEqualTo(VersionStats.WINDOWS);
    assertThat(state.maxAlertsPerVersion()).isLessThanOrEqualTo(VersionStats.ALERTS);

    // The versions kept are the 50 seen most recently (summaries and alerts count as seen).
    Set<String> expected = new LinkedHashSet<>();
    for (int i = seenOrder.size() - 1; expected.size() < 50; i--) {
      expected.add(seenOrder.get(i));
    }
    JsonNode snapshot = state.snapshot(null, T0 + 10_000);
    List<String> kept = new ArrayList<>();
    snapshot.path("versions").forEach(v -> kept.add(v.path("model").asText()));
    assertThat(kept).containsExactlyInAnyOrderElementsOf(expected);
    // Sorted by model then version.
    assertThat(kept).isSorted();
    assertThat(snapshot.path("recent")).hasSize(200);
    assertThat(snapshot.path("recent").get(0).path("event_id").asText()).isEqualTo("e9999");
  }

  @Test
  void aVersionKeepsItsNewestWindowsOldestFirstAndItsNewestAlertsFirst() {
    LiveState state = new LiveState(10, model -> 1.0);
    for (int i = 0; i < 30; i++) {
      state.summary(summary("m", i));
      state.alert(alert("m", i));
    }
    JsonNode version = state.snapshot(null, T0).path("versions").get(0);
    JsonNode windows = version.path("grid").path("windows");
    assertThat(windows).hasSize(VersionStats.WINDOWS);
    assertThat(windows.get(0).asText())
        .isEqualTo(java.time.Instant.ofEpochSecond(18 * 60).toString());
    assertThat(windows.get(11).asText())
        .isEqualTo(java.time.Instant.ofEpochSecond(29 * 60).toString());
    assertThat(version.path("importance")).hasSize(VersionStats.WINDOWS);
    assertThat(version.path("grid").path("value").get(0)).hasSize(VersionStats.WINDOWS);
    JsonNode alerts = version.path("alerts");
    assertThat(alerts).hasSize(VersionStats.ALERTS);
    assertThat(alerts.get(0).path("sentence").asText()).isEqualTo("alert 29");
    assertThat(alerts.get(19).path("sentence").asText()).isEqualTo("alert 10");
  }

  @Test
  void countsRatesAndPercentilesMatchAnIndependentComputation() {
    LiveState state = new LiveState(200, model -> model.equals("diabetes") ? 0.25 : 1.0);
    Random random = new Random(11);
    List<Double> latencies = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    int explained = 700;
    for (int i = 0; i < explained; i++) {
      double latency = 10 + random.nextInt(2000);
      // Every seventh record has no defined error: it must not count as 0.
      Double error = i % 7 == 0 ? null : random.nextDouble() / 10;
      latencies.add(latency);
      if (error != null) {
        errors.add(error);
      }
      ObjectNode record = attribution("d" + i, "diabetes", error);
      state.attribution(record, origin("attr", i), T0 + i, latency, record.toString());
    }
    for (int i = 0; i < 5; i++) {
      state.deadLetter(deadLetter("x" + i, "diabetes", "model"), origin("dl", i), T0, "{}");
    }
    for (int i = 0; i < 3; i++) {
      state.deadLetter(deadLetter("y" + i, "diabetes", "explain"), origin("dl", i), T0, "{}");
    }
    ObjectNode unparseable = JSON.createObjectNode();
    unparseable.putNull("event_id");
    unparseable.putObject("error").put("stage", "parse").put("reason", "not JSON");
    state.deadLetter(unparseable, origin("dl", 9), T0, "{}");
    state.deadLetter(unparseable, origin("dl", 10), T0, "{}");

    JsonNode snapshot = state.snapshot(null, T0 + 1_000);
    JsonNode version = snapshot.path("versions").get(0);
    assertThat(version.path("explained").asLong()).isEqualTo(explained);
    assertThat(version.path("dead_lettered").path("model").asLong()).isEqualTo(5);
    assertThat(version.path("dead_lettered").path("explain").asLong()).isEqualTo(3);
    assertThat(snapshot.path("unattributed").path("dead_lettered").path("parse").asLong())
        .isEqualTo(2);
    assertThat(version.path("sampling").asDouble()).isEqualTo(0.25);
    // All 708 of the version's arrivals fell within the last minute.
    assertThat(version.path("events_per_second").asDouble()).isEqualTo(708 / 60.0);
    assertThat(state.snapshot(null, T0 + 120_000).at("/versions/0/events_per_second").asDouble())
        .isZero();

    assertThat(version.path("latency_p95_ms").asDouble())
        .isEqualTo(nearestRank(last(latencies, 500), 0.95));
    List<Double> recentErrors = last(errors, 500);
    assertThat(version.path("approximation_error").path("p95").asDouble())
        .isEqualTo(nearestRank(recentErrors, 0.95));
    assertThat(version.path("approximation_error").path("mean").asDouble())
        .isCloseTo(
            recentErrors.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
            org.assertj.core.data.Offset.offset(1e-12));
    assertThat(version.path("image").asBoolean()).isFalse();

    // Newest first; dead letters carry their stage and no features.
    JsonNode newest = snapshot.path("recent").get(0);
    assertThat(newest.path("kind").asText()).isEqualTo("dead_letter");
    assertThat(newest.path("stage").asText()).isEqualTo("parse");
    assertThat(newest.path("model").isNull()).isTrue();
    assertThat(newest.path("top_features")).isEmpty();
  }

  @Test
  void aVersionWithoutDefinedErrorsShowsNullNotNaN() throws Exception {
    LiveState state = new LiveState(10, model -> 1.0);
    ObjectNode record = attribution("a", "m", null);
    state.attribution(record, origin("attr", 0), T0, Double.NaN, record.toString());
    String text = JSON.writeValueAsString(state.snapshot(null, T0));
    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
    JsonNode version = JSON.readTree(text).path("versions").get(0);
    assertThat(version.path("latency_p95_ms").isNull()).isTrue();
    assertThat(version.path("approximation_error").path("mean").isNull()).isTrue();
  }

  @Test
  void gridAndImportanceComeFromTheExampleSummary() {
    JsonNode summary =
        Fixtures.read(Fixtures.repositoryRoot().resolve("schemas/examples/summary-record.json"));
    LiveState state = new LiveState(10, model -> 1.0);
    state.summary(summary);
    JsonNode version = state.snapshot("churn", T0).path("versions").get(0);
    assertThat(version.path("model").asText()).isEqualTo("churn");
    assertThat(version.path("version").asText()).isEqualTo("3");

    JsonNode importance = version.path("importance");
    assertThat(importance).hasSize(1);
    assertThat(importance.get(0).path("window_start").asText()).isEqualTo("2026-03-02T10:00:00Z");
    assertThat(importance.get(0).path("window_end").asText()).isEqualTo("2026-03-02T11:00:00Z");
    JsonNode grid = version.path("grid");
    assertThat(grid.path("windows").get(0).asText()).isEqualTo("2026-03-02T10:00:00Z");
    List<String> features = new ArrayList<>();
    grid.path("features").forEach(f -> features.add(f.asText()));

    int checked = 0;
    for (JsonNode feature : summary.path("features")) {
      String name = feature.path("feature").asText();
      // Importance: the record's own share of each feature.
      JsonNode share = find(importance.get(0).path("features"), name);
      assertThat(share.path("share").asDouble())
          .isEqualTo(feature.path("attribution").path("share").asDouble());
      int row = features.indexOf(name);
      assertThat(row).as(name).isNotNegative();
      String primary =
          feature.path("kind").asText().equals("categorical") ? "l_infinity" : "jensen_shannon";
      for (String comparison : List.of("skew", "drift")) {
        JsonNode valueCell = grid.path("value").get(row).get(0).path(comparison);
        JsonNode expectedValue = feature.path(comparison).path("value").path(primary);
        assertThat(valueCell.path("algorithm").asText()).isEqualTo(primary);
        assertThat(valueCell.path("score").asDouble())
            .isEqualTo(expectedValue.path("value").asDouble());
        assertThat(valueCell.path("status").asText())
            .isEqualTo(expectedValue.path("status").asText());
        JsonNode attributionCell = grid.path("attribution").get(row).get(0).path(comparison);
        JsonNode expectedAttribution =
            feature.path(comparison).path("attribution").path("jensen_shannon");
        assertThat(attributionCell.path("score").asDouble())
            .isEqualTo(expectedAttribution.path("value").asDouble());
        assertThat(attributionCell.path("status").asText())
            .isEqualTo(expectedAttribution.path("status").asText());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(4);
    // The example's age: a skew ALERT of its values, read off the record by hand.
    int age = features.indexOf("age");
    assertThat(grid.path("value").get(age).get(0).path("skew").path("score").asDouble())
        .isEqualTo(0.7420806709403625);
    assertThat(grid.path("value").get(age).get(0).path("skew").path("status").asText())
        .isEqualTo("ALERT");
  }

  @Test
  void aComparisonWithoutReferenceShowsItsStatusAndNoScore() {
    ObjectNode summary = summary("m", 1);
    ((ObjectNode) summary.path("features").get(0)).putObject("drift");
    ((ObjectNode) summary.path("features").get(0).path("drift"))
        .putObject("value")
        .put("status", "NO_BASELINE");
    LiveState state = new LiveState(10, model -> 1.0);
    state.summary(summary);
    JsonNode cell = state.snapshot(null, T0).at("/versions/0/grid/value/0/0");
    assertThat(cell.path("drift").path("status").asText()).isEqualTo("NO_BASELINE");
    assertThat(cell.path("drift").path("score").isNull()).isTrue();
    assertThat(cell.path("skew").path("status").asText()).isEqualTo("OK");
  }

  @Test
  void anEventIdWithMarkupStaysAPlainJsonString() throws Exception {
    String id = "<script>alert(1)</script>";
    LiveState state = new LiveState(10, model -> 1.0);
    ObjectNode record = attribution(id, "m", 0.01);
    state.attribution(record, origin("attr", 42), T0, 1, record.toString());
    String text = JSON.writeValueAsString(state.snapshot(null, T0));
    assertThat(JSON.readTree(text).at("/recent/0/event_id").asText()).isEqualTo(id);
    JsonNode detail = state.event(id).orElseThrow();
    assertThat(detail.path("offset").asLong()).isEqualTo(42);
    assertThat(detail.path("record").path("event_id").asText()).isEqualTo(id);
    assertThat(detail.path("input").isNull()).isTrue();
    assertThat(state.event("<script>")).isEmpty();
  }

  @Test
  void imageInputsAreKeptForTheDetailAndMarkTheVersion() {
    LiveState state = new LiveState(10, model -> 1.0);
    state.input(imageEvent("img-1", 28));
    ObjectNode tabular = JSON.createObjectNode().put("event_id", "tab-1");
    tabular.putObject("inputs").putArray("x").add(1.0).add(2.0);
    state.input(tabular);
    ObjectNode record = attribution("img-1", "mnist", 0.02);
    ArrayNode image = ((ObjectNode) record.path("attributions")).putArray("image");
    image.addArray().addArray().add(0.5);
    state.attribution(record, origin("attr", 1), T0, 1, record.toString());
    assertThat(state.inputCount()).isEqualTo(1);
    assertThat(state.snapshot(null, T0).at("/versions/0/image").asBoolean()).isTrue();
    JsonNode detail = state.event("img-1").orElseThrow();
    assertThat(detail.path("input").path("image")).hasSize(28);
    assertThat(detail.path("input").path("image").get(0)).hasSize(28);
  }

  @Test
  void aModelFilterKeepsOnlyThatModel() {
    LiveState state = new LiveState(10, model -> 1.0);
    for (String model : List.of("a", "b")) {
      ObjectNode record = attribution(model + "-1", model, 0.01);
      state.attribution(record, origin("attr", 1), T0, 1, record.toString());
    }
    JsonNode only = state.snapshot("b", T0);
    assertThat(only.path("versions")).hasSize(1);
    assertThat(only.at("/versions/0/model").asText()).isEqualTo("b");
    assertThat(only.path("recent")).hasSize(1);
    assertThat(only.at("/recent/0/model").asText()).isEqualTo("b");
  }

  private static JsonNode find(JsonNode array, String feature) {
    for (JsonNode node : array) {
      if (node.path("feature").asText().equals(feature)) {
        return node;
      }
    }
    throw new AssertionError("no " + feature + " in " + array);
  }

  private static List<Double> last(List<Double> values, int n) {
    return values.subList(Math.max(0, values.size() - n), values.size());
  }

  /** Percentile by nearest rank: the smallest value with at least q of the values at or below. */
  private static double nearestRank(List<Double> values, double q) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    for (double candidate : sorted) {
      long atOrBelow = Arrays.stream(sorted).filter(v -> v <= candidate).count();
      if (atOrBelow >= q * sorted.length) {
        return candidate;
      }
    }
    throw new AssertionError();
  }

  private static Origin origin(String topic, long offset) {
    return new Origin(topic, 0, offset, T0 + offset);
  }

  private static ObjectNode attribution(String id, String model, Double error) {
    ObjectNode record = JSON.createObjectNode();
    record.put("event_id", id);
    record.put("model", model);
    record.put("version", "1");
    if (error == null) {
      record.putNull("approximation_error");
    } else {
      record.put("approximation_error", error);
    }
    record.putObject("attributions").putArray("features").add(0.3).add(-0.1);
    record.putObject("feature_attributions").put("bmi", 0.3).put("age", -0.1);
    ArrayNode top = record.putArray("top_features");
    top.addObject().put("feature", "bmi").put("attribution", 0.3);
    top.addObject().put("feature", "age").put("attribution", -0.1);
    return record;
  }

  private static ObjectNode deadLetter(String id, String model, String stage) {
    ObjectNode record = JSON.createObjectNode();
    record.put("event_id", id);
    record.put("model", model);
    record.put("version", "1");
    record.putObject("error").put("stage", stage).put("reason", "because");
    return record;
  }

  private static ObjectNode summary(String model, int window) {
    ObjectNode record = JSON.createObjectNode();
    record.put("model", model);
    record.put("version", "1");
    String start = java.time.Instant.ofEpochSecond(window * 60L).toString();
    record.putObject("window").put("start", start).put("end", start);
    record.put("events", 300);
    ObjectNode feature = record.putArray("features").addObject();
    feature.put("feature", "bmi").put("kind", "numeric");
    feature.putObject("attribution").put("share", 1.0);
    for (String comparison : List.of("skew", "drift")) {
      ObjectNode c = feature.putObject(comparison);
      for (String objective : List.of("value", "attribution")) {
        c.putObject(objective)
            .put("status", "OK")
            .putObject("jensen_shannon")
            .put("value", 0.01)
            .put("status", "OK");
      }
    }
    return record;
  }

  private static ObjectNode alert(String model, int i) {
    ObjectNode record = JSON.createObjectNode();
    record.put("model", model);
    record.put("version", "1");
    record.putObject("window").put("start", "2026-01-01T00:00:00Z");
    record.put("comparison", "skew").put("objective", "feature_value").put("feature", "bmi");
    record.put("algorithm", "jensen_shannon").put("value", 0.5).put("threshold", 0.3);
    record.put("message", "alert " + i);
    return record;
  }

  private static ObjectNode imageEvent(String id, int side) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", id);
    ArrayNode image = event.putObject("inputs").putArray("image");
    for (int r = 0; r < side; r++) {
      ArrayNode row = image.addArray();
      for (int c = 0; c < side; c++) {
        row.add(0.123456789);
      }
    }
    return event;
  }
}
