package io.igstream.tf;

import static io.igstream.tf.MethodRuns.assertCloseToScale;
import static io.igstream.tf.MethodRuns.only;
import static io.igstream.tf.MethodRuns.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.JsonArrays;
import io.igstream.ig.Attribution;
import io.igstream.ig.BlurIntegratedGradients;
import io.igstream.ig.BlurOptions;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ExplainMethod;
import io.igstream.ig.ExplainRequest;
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
 * Blur IG through the real TF bridge on fixture SavedModels against the independent Python
 * reference in {@code fixtures/references/blur/} (GradientTape and scipy, itself checked against
 * PAIR's saliency BlurIG): every variant within 1e-4 of the largest reference attribution.
 */
class BlurReferenceAttributionTest {

  private static final OpRegistry REGISTRY = new OpRegistry();

  private static JsonNode blurReference(String model) {
    return Fixtures.read(
        Fixtures.root().resolve("references").resolve("blur").resolve(model + ".json"));
  }

  private static List<ExplainRequest> requests(JsonNode blur) {
    List<ExplainRequest> requests = new ArrayList<>();
    for (JsonNode testCase : blur.get("cases")) {
      Map<String, DenseArray> inputs = new LinkedHashMap<>();
      testCase
          .get("inputs")
          .fields()
          .forEachRemaining(e -> inputs.put(e.getKey(), JsonArrays.read(e.getValue())));
      // Blur IG has no baseline of its own; the request's one is unused.
      requests.add(
          new ExplainRequest(
              testCase.get("event_id").asText(),
              inputs,
              new TargetSpec.Index(testCase.get("target").asInt()),
              List.of(inputs)));
    }
    return requests;
  }

  private static TfModel load(JsonNode reference) {
    return new ModelLoader(REGISTRY)
        .load(Fixtures.modelDirectory(reference), ReferenceAttributionTest.spec(reference), null);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"digits_cnn", "dilated_conv"})
  void everyVariantMatchesThePythonReference(String name) {
    JsonNode reference = Fixtures.reference(name);
    JsonNode blur = blurReference(name);
    assertThat(blur.get("saliency_check").get("max_abs_diff_over_max_attribution").asDouble())
        .isLessThan(1e-10);
    try (TfModel model = load(reference)) {
      List<ExplainRequest> requests = requests(blur);
      int variants = blur.get("cases").get(0).get("results").size();
      double worst = 0;
      for (int v = 0; v < variants; v++) {
        JsonNode first = blur.get("cases").get(0).get("results").get(v);
        BlurOptions options =
            new BlurOptions(
                first.get("steps").asInt(),
                first.get("max_sigma").asDouble(),
                first.get("grad_step").asDouble(),
                BlurOptions.Schedule.fromExternalName(first.get("schedule").asText()),
                IgOptions.DEFAULT_MAX_ROWS_PER_RUN);
        List<List<Attribution>> results =
            new BlurIntegratedGradients(
                    model, ReferenceAttributionTest.outputKind(reference), options)
                .explain(requests);
        for (int c = 0; c < requests.size(); c++) {
          JsonNode testCase = blur.get("cases").get(c);
          JsonNode expected = testCase.get("results").get(v);
          Attribution actual = results.get(c).get(0);
          String what = name + " " + options + " " + testCase.get("event_id").asText();
          assertThat(actual.method()).isEqualTo("blur_ig");
          double fx = testCase.get("output_at_input").asDouble();
          double fb = expected.get("output_at_blurred").asDouble();
          assertThat(actual.outputAtInput())
              .as(what + " F(x)")
              .isCloseTo(fx, within(1e-5 * Math.max(1, Math.abs(fx))));
          assertThat(actual.outputAtBaseline())
              .as(what + " F(blurred)")
              .isCloseTo(fb, within(1e-5 * Math.max(1, Math.abs(fb))));
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
          // The completeness delta is Blur IG's own error measure: the same as Python's.
          assertThat(actual.delta())
              .as(what + " delta")
              .isCloseTo(expected.get("delta").asDouble(), within(1e-4 * Math.max(scale, 1)));
          for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("%s [%d]", what, i).isCloseTo(want[i], within(1e-4 * scale));
          }
        }
      }
      System.out.printf(
          "blur reference %s: max |engine - python| / max |python| = %.2e%n", name, worst);
    }
  }

  /**
   * Prints (does not assert) the cost of Blur IG against plain IG at the same step count, and
   * checks that every event of the timed batches gets the attributions it gets alone.
   */
  @Test
  void printsCostAgainstPlainIgAndBatchesAsAlone() {
    for (String name : List.of("digits_cnn", "dilated_conv")) {
      JsonNode reference = Fixtures.reference(name);
      try (TfModel model = load(reference)) {
        List<ExplainRequest> one = requests(blurReference(name));
        ExplainMethod plain =
            new IntegratedGradients(
                model,
                ReferenceAttributionTest.outputKind(reference),
                IgOptions.defaults().withRule(QuadratureRule.RIEMANN_LEFT, 20));
        ExplainMethod blur =
            new BlurIntegratedGradients(
                model, ReferenceAttributionTest.outputKind(reference), BlurOptions.defaults(20));
        for (int copies : new int[] {10, 100}) {
          List<ExplainRequest> batch = new ArrayList<>();
          for (int copy = 0; copy < copies; copy++) {
            batch.addAll(one);
          }
          double plainMs = time(plain, batch).millis();
          MethodRuns.Timed blurRun = time(blur, batch);
          System.out.printf(
              "cost %s, %d events, 20 steps: plain IG %.1f ms, blur IG %.1f ms (x%.1f)%n",
              name, batch.size(), plainMs, blurRun.millis(), blurRun.millis() / plainMs);
          for (int i = 0; i < one.size(); i++) {
            double[] alone = only(blur.explain(List.of(one.get(i))).get(0));
            for (int copy = 0; copy < copies; copy++) {
              assertCloseToScale(only(blurRun.results().get(copy * one.size() + i)), alone);
            }
          }
        }
      }
    }
  }
}
