package io.igstream.tf;

import static io.igstream.tf.MethodRuns.assertCloseToScale;
import static io.igstream.tf.MethodRuns.only;
import static io.igstream.tf.MethodRuns.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.JsonArrays;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ExplainMethod;
import io.igstream.ig.ExplainRequest;
import io.igstream.ig.GuidedIntegratedGradients;
import io.igstream.ig.GuidedOptions;
import io.igstream.ig.IgOptions;
import io.igstream.ig.IntegratedGradients;
import io.igstream.ig.QuadratureRule;
import io.igstream.ig.TargetSpec;
import io.igstream.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guided IG through the real TF bridge on fixture SavedModels against the independent Python
 * reference in {@code fixtures/references/guided/} (GradientTape, itself checked against PAIR's
 * saliency package): every variant within 1e-4 of the largest reference attribution.
 */
class GuidedReferenceAttributionTest {

  private static final OpRegistry REGISTRY = new OpRegistry();

  private static JsonNode guidedReference(String model) {
    return Fixtures.read(
        Fixtures.root().resolve("references").resolve("guided").resolve(model + ".json"));
  }

  private static List<ExplainRequest> requests(JsonNode guided) {
    List<ExplainRequest> requests = new ArrayList<>();
    for (JsonNode testCase : guided.get("cases")) {
      JsonNode target = testCase.get("target");
      requests.add(
          new ExplainRequest(
              testCase.get("event_id").asText(),
              read(testCase.get("inputs")),
              target.isNull() ? TargetSpec.PREDICTED : new TargetSpec.Index(target.asInt()),
              List.of(read(testCase.get("baseline")))));
    }
    return requests;
  }

  private static Map<String, DenseArray> read(JsonNode node) {
    Map<String, DenseArray> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> out.put(e.getKey(), JsonArrays.read(e.getValue())));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"linear", "diabetes", "digits_cnn"})
  void everyVariantMatchesThePythonReference(String name) {
    JsonNode reference = Fixtures.reference(name);
    JsonNode guided = guidedReference(name);
    try (TfModel model =
        new ModelLoader(REGISTRY)
            .load(
                Fixtures.modelDirectory(reference),
                ReferenceAttributionTest.spec(reference),
                null)) {
      List<ExplainRequest> requests = requests(guided);
      int variants = guided.get("cases").get(0).get("results").size();
      double worst = 0;
      for (int v = 0; v < variants; v++) {
        JsonNode first = guided.get("cases").get(0).get("results").get(v);
        GuidedOptions options =
            new GuidedOptions(
                first.get("steps").asInt(),
                first.get("fraction").asDouble(),
                first.get("anchors").asInt(),
                first.get("max_dist").asDouble(),
                IgOptions.DEFAULT_MAX_ROWS_PER_RUN);
        List<List<Attribution>> results =
            new GuidedIntegratedGradients(
                    model, ReferenceAttributionTest.outputKind(reference), options)
                .explain(requests);
        for (int c = 0; c < requests.size(); c++) {
          JsonNode testCase = guided.get("cases").get(c);
          JsonNode expected = testCase.get("results").get(v);
          Attribution actual = results.get(c).get(0);
          String what = name + " " + options + " " + testCase.get("event_id").asText();
          assertThat(actual.method()).isEqualTo("guided_ig");
          double fx = testCase.get("output_at_input").asDouble();
          assertThat(actual.outputAtInput())
              .as(what + " F(x)")
              .isCloseTo(fx, within(1e-5 * Math.max(1, Math.abs(fx))));
          Map.Entry<String, JsonNode> only = expected.get("attributions").fields().next();
          double[] want = JsonArrays.read(only.getValue()).values();
          double[] got = actual.attributions().get(only.getKey()).values();
          double scale = 0;
          double diff = 0;
          for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
          }
          worst = Math.max(worst, diff / scale);
          // The completeness delta is Guided IG's own error measure: the same as Python's.
          double change = fx - testCase.get("output_at_baseline").asDouble();
          assertThat(actual.delta())
              .as(what + " delta")
              .isCloseTo(expected.get("delta").asDouble(), within(1e-4 * Math.max(scale, change)));
          for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s [%d]", what, i).isCloseTo(want[i], within(1e-4 * scale));
          }
        }
      }
      System.out.printf(
          "guided reference %s: max |engine - python| / max |python| = %.2e%n", name, worst);
    }
  }

  /**
   * Several inputs, one of them attributed at an embedding layer, and a pass-through input: with
   * max_dist near 0 every feature keeps to the straight line's alpha, so Guided IG becomes a left
   * Riemann sum of plain IG and must approach the Python near-exact IG (Gauss-Legendre, 1,024
   * points). At 200 steps and max_dist 0.005 the path strays at most 0.005 and the Riemann error is
   * O(1/200): 1e-2 of the largest attribution is a loose bound for both.
   */
  @Test
  void nearTheStraightLineGuidedIgApproachesPlainIgOnAMultiInputLayerModel() {
    JsonNode reference = Fixtures.reference("multi_input");
    try (TfModel model =
        new ModelLoader(REGISTRY)
            .load(
                Fixtures.modelDirectory(reference),
                ReferenceAttributionTest.spec(reference),
                null)) {
      assertThat(model.attributedTensors()).hasSize(2);
      GuidedOptions options = new GuidedOptions(200, 0.25, 0, 0.005, 200);
      List<ExplainRequest> requests = ReferenceAttributionTest.requests(reference);
      List<List<Attribution>> results =
          new GuidedIntegratedGradients(
                  model, ReferenceAttributionTest.outputKind(reference), options)
              .explain(requests);
      int i = 0;
      for (JsonNode testCase : reference.get("cases")) {
        Attribution actual = results.get(i++).get(0);
        JsonNode expected = testCase.get("near_exact").get("attributions");
        double scale = 0;
        for (JsonNode values : expected) {
          for (double v : JsonArrays.read(values).values()) {
            scale = Math.max(scale, Math.abs(v));
          }
        }
        double tolerance = 1e-2 * scale;
        expected
            .fields()
            .forEachRemaining(
                entry -> {
                  double[] want = JsonArrays.read(entry.getValue()).values();
                  double[] got = actual.attributions().get(entry.getKey()).values();
                  assertThat(got).hasSameSizeAs(want);
                  for (int k = 0; k < want.length; k++) {
                    assertThat(got[k])
                        .as("%s %s[%d]", testCase.get("event_id").asText(), entry.getKey(), k)
                        .isCloseTo(want[k], within(tolerance));
                  }
                });
      }
    }
  }

  /**
   * Prints (does not assert) the cost of Guided IG against plain IG at the same step count, and
   * checks that every event of the timed batches gets the attributions it gets alone.
   */
  @Test
  void printsCostAgainstPlainIgAndBatchesAsAlone() {
    for (String name : List.of("diabetes", "digits_cnn")) {
      JsonNode reference = Fixtures.reference(name);
      try (TfModel model =
          new ModelLoader(REGISTRY)
              .load(
                  Fixtures.modelDirectory(reference),
                  ReferenceAttributionTest.spec(reference),
                  null)) {
        List<ExplainRequest> one = requests(guidedReference(name));
        ExplainMethod plain =
            new IntegratedGradients(
                model,
                ReferenceAttributionTest.outputKind(reference),
                IgOptions.defaults().withRule(QuadratureRule.RIEMANN_LEFT, 20));
        ExplainMethod guided =
            new GuidedIntegratedGradients(
                model, ReferenceAttributionTest.outputKind(reference), GuidedOptions.defaults(20));
        for (int copies : new int[] {10, 100}) {
          List<ExplainRequest> batch = new ArrayList<>();
          for (int copy = 0; copy < copies; copy++) {
            batch.addAll(one);
          }
          double plainMs = time(plain, batch).millis();
          MethodRuns.Timed guidedRun = time(guided, batch);
          System.out.printf(
              "cost %s, %d events, 20 steps: plain IG %.1f ms, guided IG %.1f ms (x%.1f)%n",
              name, batch.size(), plainMs, guidedRun.millis(), guidedRun.millis() / plainMs);
          // Batch invariance on a real model: every copy of an event gets its lone result.
          for (int i = 0; i < batch.size(); i++) {
            assertCloseToScale(only(guidedRun.results().get(i)), alone(guided, batch.get(i)));
          }
        }
      }
    }
  }

  private final Map<String, double[]> aloneResults = new java.util.HashMap<>();

  /** An event's attributions explained on its own (cached: batches repeat events). */
  private double[] alone(ExplainMethod method, ExplainRequest request) {
    return aloneResults.computeIfAbsent(
        request.id() + "@" + System.identityHashCode(method),
        id -> only(method.explain(List.of(request)).get(0)));
  }
}
