package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.igstream.registry.ModelConfig;
import io.igstream.testing.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary, alert and baseline records as their producers write them are valid against
 * schemas/summary-record, alert-record and baseline.schema.json, and say what they should. The
 * traffic is seeded and synthetic: a logistic churn model explained exactly by IG, with a normal
 * feature (age), a right-skewed one with missing values (income) and a categorical one (plan); a
 * baseline of 1,000 events, a stationary window of 500 and a window of 500 where age moved by three
 * standard deviations.
 *
 * <p>Every record is validated twice: against the schema as committed (open, as the other record
 * schemas, so that consumers accept fields added later) and against a copy where every object
 * schema is closed ({@code additionalProperties: false}), so that a field the producer writes and
 * the schema does not describe fails here.
 *
 * <p>With {@code -Digstream.writeExamples=true} the test rewrites schemas/examples/summary-record,
 * alert-record and baseline.json from this output: the examples are real records.
 */
class SummaryRecordSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final String SUMMARY_SCHEMA = "summary-record.schema.json";
  private static final String ALERT_SCHEMA = "alert-record.schema.json";
  private static final String BASELINE_SCHEMA = "baseline.schema.json";
  private static final String MODEL_CONFIG_SCHEMA = "model-config.schema.json";

  private static final String MODEL = "churn";
  private static final String VERSION = "3";
  private static final String EXPLAINER_HASH = "5c1e0f9a3b7d2e48";
  private static final long HOUR = 3_600_000L;
  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();
  private static final List<String> FEATURES = List.of("age", "income", "plan");

  private static final double AGE_SD = 10.0;

  /** The shift of the moved feature: three standard deviations of age. */
  private static final double AGE_SHIFT = 3 * AGE_SD;

  private static DriftPolicy policy;
  private static Baseline baseline;
  private static WindowState stationary;
  private static WindowState shifted;
  private static WindowSummarizer.Result stationaryResult;
  private static WindowSummarizer.Result shiftedResult;
  private static WindowSummarizer.Result shiftedBelowResult;
  private static List<ObjectNode> stationaryAlerts;
  private static List<ObjectNode> shiftedAlerts;
  private static List<ObjectNode> shiftedBelowAlerts;

  @BeforeAll
  static void traffic() {
    policy = DriftPolicy.defaults();
    Random random = new Random(20260302L);
    BaselineBuilder builder = new BaselineBuilder();
    for (int i = 0; i < 1000; i++) {
      builder.add(observe(random, 0.0));
    }
    baseline =
        new Baseline(
            MODEL,
            VERSION,
            "2026-03-01T18:00:00Z",
            "training-sample.csv",
            EXPLAINER_HASH,
            explainerConfig(),
            builder.build());
    SummaryLayout layout = baseline.layout();
    stationary = window(random, 500, 0.0, layout);
    shifted = window(random, 500, AGE_SHIFT, layout);
    WindowState shiftedBelow = window(random, 500, -AGE_SHIFT, layout);

    // One tracker across the windows, as the merger keeps one per model version.
    AlertTracker tracker = new AlertTracker();
    stationaryResult = summarise(0, stationary, skewReference(), noPreviousWindow(), 0);
    stationaryAlerts = raise(tracker, 0, stationaryResult);
    shiftedResult = summarise(1, shifted, skewReference(), previousWindow(0, stationary), 3);
    shiftedAlerts = raise(tracker, 1, shiftedResult);
    shiftedBelowResult = summarise(2, shiftedBelow, skewReference(), previousWindow(1, shifted), 0);
    shiftedBelowAlerts = raise(tracker, 2, shiftedBelowResult);
  }

  // ---------------------------------------------------------------------------------------------
  // Summaries

  @Test
  void stationaryWindowIsOkAgainstTheBaseline() {
    JsonNode summary = valid(SUMMARY_SCHEMA, stationaryResult.summary());
    for (String name : FEATURES) {
      assertThat(feature(summary, name).path("skew").path("value").path("status").asText())
          .as(name)
          .isEqualTo("OK");
      // The first window of a version has nothing to drift from.
      assertThat(feature(summary, name).path("drift").path("value").path("status").asText())
          .isEqualTo("NO_BASELINE");
    }
    assertThat(summary.path("previous_window").path("status").asText()).isEqualTo("NO_BASELINE");
    assertThat(summary.path("status").asText()).isEqualTo("OK");
    assertThat(stationaryResult.crossings()).isEmpty();
    assertThat(stationaryAlerts).isEmpty();
    assertThat(summary.path("alerts").asInt()).isZero();
  }

  @Test
  void shiftedFeatureSkewsAndTheStationaryOnesDoNot() {
    JsonNode summary = valid(SUMMARY_SCHEMA, shiftedResult.summary());
    JsonNode age = feature(summary, "age");
    assertThat(age.path("kind").asText()).isEqualTo("numeric");
    assertThat(age.path("skew").path("value").path("status").asText()).isEqualTo("ALERT");
    assertThat(age.path("skew").path("value").path("jensen_shannon").path("value").asDouble())
        .isGreaterThan(0.3);
    // Three standard deviations of shift: about 3 in reference standard deviations.
    assertThat(age.path("skew").path("value").path("wasserstein_normed").path("value").asDouble())
        .isBetween(2.5, 3.5);
    assertThat(age.path("value").path("mean").asDouble()).isBetween(65.0, 75.0);
    for (String name : List.of("income", "plan")) {
      assertThat(feature(summary, name).path("skew").path("value").path("status").asText())
          .as(name)
          .isEqualTo("OK");
    }
    // The categorical feature is judged on L-infinity and lists its categories.
    JsonNode plan = feature(summary, "plan");
    assertThat(plan.path("kind").asText()).isEqualTo("categorical");
    assertThat(plan.path("skew").path("value").has("ks_statistic")).isFalse();
    assertThat(plan.path("value").path("top_categories")).hasSize(4);
    // Income's 2% missing values are counted as such.
    assertThat(feature(summary, "income").path("value").path("missing_rate").asDouble())
        .isBetween(0.005, 0.05);
    // One feature of three drifted: dataset drift is past its warning, not its alert.
    JsonNode dataset = summary.path("dataset").path("skew");
    assertThat(dataset.path("drifted_features").asInt()).isEqualTo(1);
    assertThat(dataset.path("features").asInt()).isEqualTo(3);
    assertThat(dataset.path("status").asText()).isEqualTo("WARN");
    assertThat(summary.path("late_events").asInt()).isEqualTo(3);
    assertThat(summary.path("status").asText()).isEqualTo("ALERT");
    assertThat(summary.path("baseline").path("baseline_id").asText()).isEqualTo(baseline.id());
  }

  @Test
  void tooFewEventsAreInsufficientData() {
    WindowState tiny = window(new Random(11), 20, 0.0, baseline.layout());
    WindowSummarizer.Result result =
        summarise(5, tiny, skewReference(), previousWindow(4, stationary), 0);
    raise(new AlertTracker(), 5, result);
    JsonNode summary = valid(SUMMARY_SCHEMA, result.summary());
    assertThat(summary.path("status").asText()).isEqualTo("INSUFFICIENT_DATA");
    for (String name : FEATURES) {
      JsonNode f = feature(summary, name);
      for (String comparison : List.of("skew", "drift")) {
        assertThat(f.path(comparison).path("value").path("status").asText())
            .as(name + " " + comparison)
            .isEqualTo("INSUFFICIENT_DATA");
        // The distances are still shown, only not judged.
        assertThat(f.path(comparison).path("value").path("jensen_shannon").path("value").isNumber())
            .isTrue();
      }
    }
    assertThat(summary.path("ranking").path("skew").path("status").asText())
        .isEqualTo("INSUFFICIENT_DATA");
    assertThat(result.crossings()).isEmpty();
  }

  @Test
  void withoutBaselineSkewIsNoBaselineAndDriftIsJudged() {
    Random random = new Random(12);
    WindowState before = window(random, 300, 0.0, SummaryLayout.NONE);
    WindowState now = window(random, 300, 0.0, SummaryLayout.NONE);
    WindowSummarizer.Result result = summarise(7, now, noBaseline(), previousWindow(6, before), 0);
    raise(new AlertTracker(), 7, result);
    JsonNode summary = valid(SUMMARY_SCHEMA, result.summary());
    assertThat(summary.path("baseline").path("status").asText()).isEqualTo("NO_BASELINE");
    for (String name : FEATURES) {
      JsonNode f = feature(summary, name);
      assertThat(f.path("skew").path("value").path("status").asText()).isEqualTo("NO_BASELINE");
      assertThat(f.path("skew").path("attribution").path("status").asText())
          .isEqualTo("NO_BASELINE");
      assertThat(f.path("drift").path("value").path("status").asText()).isEqualTo("OK");
    }
    for (String objective : List.of("ranking", "prediction", "explanation_quality", "dataset")) {
      assertThat(summary.path(objective).path("skew").path("status").asText())
          .as(objective)
          .isEqualTo("NO_BASELINE");
      assertThat(summary.path(objective).path("drift").path("status").asText())
          .as(objective)
          .isEqualTo("OK");
    }
    assertThat(summary.path("status").asText()).isEqualTo("OK");
  }

  @Test
  void windowOfOnlyLateEventsHasNullStatistics() {
    // A shard whose batch was all late counts the late events in an otherwise empty window.
    WindowState empty = WindowState.empty(baseline.layout());
    empty.addLate(7);
    WindowSummarizer.Result result =
        summarise(8, empty, skewReference(), previousWindow(7, stationary), 0);
    raise(new AlertTracker(), 8, result);
    JsonNode summary = valid(SUMMARY_SCHEMA, result.summary());
    assertThat(summary.path("events").asInt()).isZero();
    assertThat(summary.path("late_events").asInt()).isEqualTo(7);
    assertThat(summary.path("features")).isEmpty();
    assertThat(summary.path("prediction").path("value").path("mean").isNull()).isTrue();
    assertThat(summary.path("explanation_quality").path("max").isNull()).isTrue();
    assertThat(summary.path("status").asText()).isEqualTo("INSUFFICIENT_DATA");
  }

  // ---------------------------------------------------------------------------------------------
  // Alerts

  @Test
  void skewAlertNamesTheShiftedFeature() {
    List<JsonNode> alerts = shiftedAlerts.stream().map(a -> valid(ALERT_SCHEMA, a)).toList();
    assertThat(shiftedResult.summary().path("alerts").asInt()).isEqualTo(alerts.size());
    JsonNode valueAlert = valueSkewAlert(shiftedAlerts);
    assertThat(valueAlert.path("feature").asText()).isEqualTo("age");
    assertThat(valueAlert.path("consecutive_windows").asInt()).isEqualTo(1);
    assertThat(valueAlert.path("threshold").asDouble()).isEqualTo(0.3);
    assertThat(valueAlert.path("message").asText()).contains("'age'", "training baseline");
    // No feature-value alert for the stationary features, in either comparison.
    assertThat(alerts)
        .filteredOn(a -> a.path("objective").asText().equals("feature_value"))
        .extracting(a -> a.path("feature").asText())
        .containsOnly("age");
  }

  @Test
  void driftAlertsAfterTwoWindowsAndSkewCoolsDown() {
    // Window 1 drifted from window 0, but drift needs two consecutive windows.
    assertThat(shiftedResult.crossings())
        .anyMatch(c -> c.comparison().equals("drift") && "age".equals(c.feature()));
    assertThat(shiftedAlerts).noneMatch(a -> a.path("comparison").asText().equals("drift"));
    // Window 2 moved again, to three standard deviations below the baseline: the second drift
    // crossing in a row alerts; age still skews, but its skew alert of window 1 is in its
    // cooldown.
    List<JsonNode> alerts = shiftedBelowAlerts.stream().map(a -> valid(ALERT_SCHEMA, a)).toList();
    assertThat(alerts)
        .anyMatch(
            a ->
                a.path("comparison").asText().equals("drift")
                    && a.path("objective").asText().equals("feature_value")
                    && a.path("feature").asText().equals("age")
                    && a.path("consecutive_windows").asInt() == 2);
    assertThat(shiftedBelowResult.crossings())
        .anyMatch(c -> c.comparison().equals("skew") && "age".equals(c.feature()));
    Set<String> alertedBefore =
        shiftedAlerts.stream()
            .filter(a -> a.path("comparison").asText().equals("skew"))
            .map(SummaryRecordSchemaTest::condition)
            .collect(Collectors.toSet());
    assertThat(alertedBefore).contains("skew|feature_value|age|jensen_shannon");
    assertThat(alerts).noneMatch(a -> alertedBefore.contains(condition(a)));
  }

  // ---------------------------------------------------------------------------------------------
  // Baseline

  @Test
  void baselineArtifactIsValidAndReadsBack(@TempDir Path dir) throws IOException {
    JsonNode artifact = valid(BASELINE_SCHEMA, baseline.toJson());
    assertThat(artifact.path("sample_size").asInt()).isEqualTo(1000);
    assertThat(artifact.path("baseline_id").asText()).isEqualTo(baseline.id());
    assertThat(artifact.path("features").properties())
        .extracting(Map.Entry::getKey)
        .containsExactlyElementsOf(FEATURES);
    JsonNode plan = artifact.path("features").path("plan");
    assertThat(plan.path("kind").asText()).isEqualTo("categorical");
    assertThat(plan.path("value").path("bins").path("point_masses"))
        .extracting(JsonNode::asDouble)
        .containsExactly(0.0, 1.0, 2.0, 3.0);
    // Bin counts are exact and add up to the sample.
    for (String name : FEATURES) {
      for (String quantity : List.of("value", "attribution")) {
        JsonNode bins = artifact.path("features").path(name).path(quantity).path("bins");
        long total = 0;
        for (JsonNode c : bins.path("counts")) {
          total += c.asLong();
        }
        assertThat(total).as(name + " " + quantity).isEqualTo(1000);
        assertThat(bins.path("labels").size()).isEqualTo(bins.path("counts").size());
      }
    }
    // IG gives exactly 0 where plan is at its baseline category: a bin of its own.
    assertThat(
            artifact.path("features").path("plan").path("attribution").path("bins").path("labels"))
        .extracting(JsonNode::asText)
        .contains("=0.000");
    Path file = dir.resolve(Baseline.FILE_NAME);
    baseline.write(file);
    Baseline read = Baseline.read(file);
    assertThat(read.id()).isEqualTo(baseline.id());
    assertThat(read.state().events()).isEqualTo(1000);
    valid(BASELINE_SCHEMA, JSON.readTree(file.toFile()));
  }

  // ---------------------------------------------------------------------------------------------
  // The schemas themselves

  @Test
  void schemasRejectBrokenRecords() {
    ObjectNode summary = sanitised(shiftedResult.summary());
    ObjectNode unknownStatus = summary.deepCopy().put("status", "DRIFTING");
    ObjectNode nanAsString = summary.deepCopy();
    // What Jackson writes for NaN unless the producer writes null: a string, not a number.
    ((ObjectNode) nanAsString.path("ranking").path("skew")).put("rank_correlation", "NaN");
    ObjectNode noWindow = summary.deepCopy();
    noWindow.remove("window");
    for (JsonNode broken : List.of(unknownStatus, nanAsString, noWindow)) {
      assertThat(Schemas.violations(SUMMARY_SCHEMA, broken)).isNotEmpty();
    }
    ObjectNode alert = sanitised(valueSkewAlert(shiftedAlerts));
    ObjectNode noFeature = alert.deepCopy().putNull("feature");
    ObjectNode wrongAlgorithm = alert.deepCopy().put("algorithm", "ndcg");
    ObjectNode featureOnRanking =
        alert.deepCopy().put("objective", "ranking").put("algorithm", "ndcg");
    for (JsonNode broken : List.of(noFeature, wrongAlgorithm, featureOnRanking)) {
      assertThat(Schemas.violations(ALERT_SCHEMA, broken)).as(broken.toString()).isNotEmpty();
    }
    ObjectNode artifact = sanitised(baseline.toJson()).put("format", "igstream-baseline/2");
    assertThat(Schemas.violations(BASELINE_SCHEMA, artifact)).isNotEmpty();
  }

  @Test
  void schemasNameTheStatusesObjectivesAndMetricsOfTheCode() throws IOException {
    JsonNode summarySchema = schema(SUMMARY_SCHEMA);
    Set<String> judged =
        Arrays.stream(Status.values())
            .map(Enum::name)
            .filter(s -> !s.equals("NO_BASELINE"))
            .collect(Collectors.toSet());
    assertThat(strings(summarySchema.at("/$defs/verdict/enum"))).isEqualTo(judged);

    DriftPolicy defaults = DriftPolicy.defaults();
    JsonNode config = schema(MODEL_CONFIG_SCHEMA);
    JsonNode drift = config.at("/properties/drift/properties");
    JsonNode thresholds = drift.at("/thresholds/properties");
    JsonNode alertOn = drift.at("/alert_on/properties");
    assertThat(names(thresholds)).isEqualTo(defaults.thresholds().keySet());
    assertThat(names(alertOn)).isEqualTo(defaults.thresholds().keySet());
    Set<String> allMetrics = new TreeSet<>();
    for (Map.Entry<String, Map<String, Band>> e : defaults.thresholds().entrySet()) {
      Set<String> metrics = e.getValue().keySet();
      allMetrics.addAll(metrics);
      JsonNode bands = resolve(config, thresholds.path(e.getKey()));
      assertThat(names(bands.path("properties"))).as(e.getKey()).isEqualTo(metrics);
      JsonNode list = resolve(config, alertOn.path(e.getKey()));
      assertThat(strings(list.at("/items/enum"))).as(e.getKey()).isEqualTo(metrics);
    }
    assertThat(strings(schema(ALERT_SCHEMA).at("/properties/algorithm/enum")))
        .isEqualTo(allMetrics);
    assertThat(strings(schema(ALERT_SCHEMA).at("/properties/objective/enum")))
        .isEqualTo(defaults.thresholds().keySet());
  }

  @Test
  void driftSectionOfTheModelConfigExampleIsWhatTheCodeReads() throws IOException {
    Path example = Schemas.root().resolve("examples/model-config.json");
    ModelConfig config = ModelConfig.read(example);
    DriftPolicy policy = DriftPolicy.defaults().with(config.drift());
    assertThat(policy.minEvents()).isEqualTo(300);
    assertThat(policy.driftWindows()).isEqualTo(3);
    assertThat(policy.cooldownWindows()).isEqualTo(6);
    assertThat(policy.band("feature_value", "psi").warn()).isEqualTo(0.15);
    // A band overrides only what it names.
    Band ndcg = policy.band("ranking", "ndcg");
    assertThat(ndcg.alert()).isEqualTo(0.85);
    assertThat(ndcg.warn()).isEqualTo(0.95);
    assertThat(ndcg.lower()).isTrue();
    assertThat(policy.alerts("feature_value", "psi")).isTrue();

    ObjectNode valid = (ObjectNode) JSON.readTree(example.toFile());
    List<ObjectNode> broken = new ArrayList<>();
    ObjectNode unknownObjective = valid.deepCopy();
    ((ObjectNode) unknownObjective.path("drift").path("thresholds"))
        .putObject("labels")
        .putObject("psi")
        .put("alert", 0.2);
    broken.add(unknownObjective);
    ObjectNode unknownMetric = valid.deepCopy();
    ((ObjectNode) unknownMetric.path("drift").path("thresholds").path("ranking"))
        .putObject("kendall_tau")
        .put("alert", 0.2);
    broken.add(unknownMetric);
    ObjectNode unknownAlertMetric = valid.deepCopy();
    ((ObjectNode) unknownAlertMetric.path("drift").path("alert_on"))
        .putArray("ranking")
        .add("ndgc");
    broken.add(unknownAlertMetric);
    ObjectNode zeroWindows = valid.deepCopy();
    ((ObjectNode) zeroWindows.path("drift")).putObject("consecutive_windows").put("drift", 0);
    broken.add(zeroWindows);
    for (ObjectNode b : broken) {
      assertThat(Schemas.violations(MODEL_CONFIG_SCHEMA, b)).as(b.toString()).isNotEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The examples

  /**
   * The committed examples are these records: rewritten with -Digstream.writeExamples=true, and
   * otherwise checked to have the same fields as the records produced now (the values move a little
   * from run to run, as KLL sketches compact at random).
   */
  @Test
  void examplesAreTheseRecords() throws IOException {
    Map<String, JsonNode> examples = new LinkedHashMap<>();
    examples.put("summary-record.json", sanitised(shiftedResult.summary()));
    examples.put("alert-record.json", sanitised(valueSkewAlert(shiftedAlerts)));
    examples.put("baseline.json", sanitised(baseline.toJson()));
    Path dir = Schemas.root().resolve("examples");
    if (Boolean.getBoolean("igstream.writeExamples")) {
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"));
      for (Map.Entry<String, JsonNode> e : examples.entrySet()) {
        String text = JSON.writer(printer).writeValueAsString(e.getValue()) + "\n";
        Files.writeString(dir.resolve(e.getKey()), text, StandardCharsets.UTF_8);
      }
    }
    for (Map.Entry<String, JsonNode> e : examples.entrySet()) {
      JsonNode committed = JSON.readTree(dir.resolve(e.getKey()).toFile());
      assertThat(paths(committed))
          .as("%s is stale: rerun this test with -Digstream.writeExamples=true", e.getKey())
          .isEqualTo(paths(e.getValue()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The synthetic model and its traffic

  /**
   * One explained event of a logistic churn model z = -1 + 0.08 (age - 40) + 0.9 ln(income / 50000)
   * + effect[plan], explained on F = sigmoid(z) from the baseline (40, 50000, plan 0). For a model
   * linear in the logit IG is exact: a_i = z_i (F(x) - F(b)) / (z - z_b), z_i the feature's term of
   * z.
   */
  static Observation observe(Random random, double ageShift) {
    double age = 40 + AGE_SD * random.nextGaussian() + ageShift;
    // Right-skewed: log-normal income; 2% missing, imputed at the baseline (attribution 0).
    boolean incomeMissing = random.nextDouble() < 0.02;
    double income = Math.exp(Math.log(50_000) + 0.5 * random.nextGaussian());
    double u = random.nextDouble();
    int plan = u < 0.5 ? 0 : u < 0.8 ? 1 : u < 0.95 ? 2 : 3;
    double[] planEffect = {0.0, -0.6, -1.1, 0.7};
    double zAge = 0.08 * (age - 40);
    double zIncome = incomeMissing ? 0.0 : 0.9 * Math.log(income / 50_000);
    double zPlan = planEffect[plan];
    double zBase = -1.0;
    double z = zBase + zAge + zIncome + zPlan;
    double f = sigmoid(z);
    double scale = Math.abs(z - zBase) < 1e-12 ? 0.0 : (f - sigmoid(zBase)) / (z - zBase);
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("age", age);
    values.put("income", incomeMissing ? Double.NaN : income);
    values.put("plan", (double) plan);
    Map<String, Double> attributions = new LinkedHashMap<>();
    attributions.put("age", zAge * scale);
    attributions.put("income", zIncome * scale);
    attributions.put("plan", zPlan * scale);
    // The quadrature's relative error: mostly well under the 5% bar, with an exponential tail;
    // undefined (F(x) = F(b)) for a few events.
    Double error = random.nextDouble() < 0.005 ? null : -0.012 * Math.log(1 - random.nextDouble());
    return new Observation(values, attributions, null, f, error, EXPLAINER_HASH);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static WindowState window(Random random, int events, double ageShift, SummaryLayout on) {
    WindowState state = WindowState.empty(on);
    for (int i = 0; i < events; i++) {
      state.add(observe(random, ageShift), on);
    }
    return state;
  }

  private static WindowSummarizer.WindowKey key(int hour) {
    return new WindowSummarizer.WindowKey(MODEL, VERSION, T0 + hour * HOUR, T0 + (hour + 1) * HOUR);
  }

  /** The explainer configuration as ExplainerIdentity writes it for this model. */
  private static ObjectNode explainerConfig() {
    ObjectNode config = NODES.objectNode();
    config.put("signature", "serving_default");
    config.put("output", "churn_probability");
    config.put("output_kind", "sigmoid");
    config.put("method", "gauss_legendre");
    config.put("steps", 50);
    config.put("multiply_by_inputs", true);
    config.put("target", "predicted");
    config.put("baseline", 0.0);
    config.putNull("baselines");
    config.putNull("baseline_sample");
    config.putNull("smoothing");
    ObjectNode features = config.putObject("inputs").putObject("features");
    features.putNull("layer");
    features.putArray("feature_names").add("age").add("income").add("plan");
    features.putArray("baseline").add(40.0).add(50000.0).add(0.0);
    features.putNull("channel_reducer");
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // What SummaryMerger does around WindowSummarizer and AlertTracker, mirrored here because its
  // helpers are private to the stream package: keep in step with SummaryMerger.skewReference,
  // driftReference and summarise.

  private static WindowSummarizer.Result summarise(
      int hour,
      WindowState window,
      WindowSummarizer.Reference skew,
      WindowSummarizer.Reference drift,
      long lateCarried) {
    WindowSummarizer.Result result =
        WindowSummarizer.summarise(key(hour), window, skew, drift, policy, lateCarried);
    result.summary().put("summarised_at", wallClock(hour).toString());
    return result;
  }

  /** Feeds a summary's crossings to the tracker and stamps the summary and its alerts. */
  private static List<ObjectNode> raise(
      AlertTracker tracker, int hour, WindowSummarizer.Result result) {
    List<ObjectNode> alerts = tracker.observe(key(hour), HOUR, result.crossings(), policy);
    result.summary().put("alerts", alerts.size());
    for (ObjectNode alert : alerts) {
      alert.put("raised_at", wallClock(hour).toString());
    }
    return alerts;
  }

  /** When the merger writes a window: after its end, 5 minutes of grace and a few seconds. */
  private static Instant wallClock(int hour) {
    return Instant.ofEpochMilli(T0 + (hour + 1) * HOUR).plusSeconds(5 * 60 + 3);
  }

  private static WindowSummarizer.Reference skewReference() {
    // The synthetic windows are explained with the baseline's own configuration.
    WindowState sameConfig = WindowState.empty(SummaryLayout.NONE);
    return WindowSummarizer.Reference.ofBaseline(baseline, "version", sameConfig);
  }

  private static WindowSummarizer.Reference noBaseline() {
    return WindowSummarizer.Reference.noBaseline();
  }

  private static WindowSummarizer.Reference previousWindow(int hour, WindowState previous) {
    return WindowSummarizer.Reference.ofPrevious(previous, T0 + hour * HOUR, previous);
  }

  private static WindowSummarizer.Reference noPreviousWindow() {
    return WindowSummarizer.Reference.ofPrevious(null, 0, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static JsonNode feature(JsonNode summary, String name) {
    for (JsonNode f : summary.path("features")) {
      if (f.path("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + summary);
  }

  /** The condition an alert is about: its id without model, version and window. */
  private static String condition(JsonNode alert) {
    return alert.path("alert_id").asText().split("\\|", 4)[3];
  }

  private static ObjectNode valueSkewAlert(List<ObjectNode> alerts) {
    return alerts.stream()
        .filter(a -> a.path("comparison").asText().equals("skew"))
        .filter(a -> a.path("objective").asText().equals("feature_value"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no feature_value skew alert in " + alerts));
  }

  /**
   * A copy with every non-finite number replaced by null. The producers write null for undefined
   * statistics (FiniteJson in WindowSummarizer and Baseline; alert values are always finite), so
   * this changes nothing today; it keeps the schema's "number or null" contract independent of
   * Jackson's default of writing NaN as the string "NaN".
   */
  @SuppressWarnings("unchecked")
  static <T extends JsonNode> T sanitised(T node) {
    JsonNode copy = node.deepCopy();
    replaceNonFinite(copy);
    return (T) copy;
  }

  private static void replaceNonFinite(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> undefined = new ArrayList<>();
      object
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNumber() && !Double.isFinite(e.getValue().asDouble())) {
                  undefined.add(e.getKey());
                } else {
                  replaceNonFinite(e.getValue());
                }
              });
      undefined.forEach(object::putNull);
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isNumber() && !Double.isFinite(array.get(i).asDouble())) {
          array.set(i, array.nullNode());
        } else {
          replaceNonFinite(array.get(i));
        }
      }
    }
  }

  /**
   * Validates the sanitised record as it goes on the wire (serialised and read back) against the
   * schema as committed and against its closed copy; returns the record read back.
   */
  private static JsonNode valid(String schema, JsonNode record) {
    JsonNode wire;
    try {
      wire = JSON.readTree(JSON.writeValueAsString(sanitised(record)));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Schemas.assertValid(schema, wire);
    Set<ValidationMessage> undocumented = closed(schema).validate(wire);
    assertThat(undocumented)
        .as("fields of the %s record that %s does not describe", schema, schema)
        .isEmpty();
    return wire;
  }

  /** The schema with every object schema that lists properties closed to other properties. */
  private static com.networknt.schema.JsonSchema closed(String name) {
    ObjectNode schema = (ObjectNode) schema(name).deepCopy();
    close(schema);
    schema.put("$id", "https://igstream.io/schemas/closed/" + name);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
  }

  private static void close(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if ("object".equals(object.path("type").asText())
          && object.has("properties")
          && !object.has("additionalProperties")) {
        object.put("additionalProperties", false);
      }
      object.properties().forEach(e -> close(e.getValue()));
    } else if (node instanceof ArrayNode array) {
      array.forEach(SummaryRecordSchemaTest::close);
    }
  }

  private static JsonNode schema(String name) {
    try {
      return JSON.readTree(Schemas.root().resolve(name).toFile());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Follows a local $ref. */
  private static JsonNode resolve(JsonNode root, JsonNode node) {
    String ref = node.path("$ref").asText("");
    return ref.startsWith("#") ? resolve(root, root.at(ref.substring(1))) : node;
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** Every field path of a document, array positions folded into []. */
  private static Set<String> paths(JsonNode node) {
    Set<String> out = new TreeSet<>();
    collectPaths("", node, out);
    return out;
  }

  private static void collectPaths(String at, JsonNode node, Set<String> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                out.add(at + "/" + e.getKey());
                collectPaths(at + "/" + e.getKey(), e.getValue(), out);
              });
    } else if (node.isArray()) {
      node.forEach(v -> collectPaths(at + "[]", v, out));
    }
  }
}
