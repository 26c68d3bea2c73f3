package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.JsonArrays;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ExplainRequest;
import io.igstream.ig.IgOptions;
import io.igstream.ig.IntegratedGradients;
import io.igstream.ig.OutputKind;
import io.igstream.ig.QuadratureRule;
import io.igstream.ig.TargetSpec;
import io.igstream.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine on the real SavedModels of the fixture zoo against the independent Python reference
 * (GradientTape, float64 where the generator could): every rule at every step count within 1e-4 of
 * the largest reference attribution, F(x) and F(b) within 1e-5.
 */
class ReferenceAttributionTest {

  private static final OpRegistry REGISTRY = new OpRegistry();

  static Stream<String> explainableModels() {
    return Stream.of(
        "linear",
        "relu_paper",
        "square",
        "sigmoid_binary",
        "breast_cancer",
        "diabetes",
        "diabetes_v2",
        "digits_cnn",
        "text_sentiment",
        "multi_input",
        "digits_gru_gradsig",
        "dilated_conv",
        "fashion_mnist");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("explainableModels")
  void everyRuleAndStepCountMatchesTheReference(String name) {
    JsonNode reference = Fixtures.reference(name);
    Path dir = Fixtures.modelDirectory(reference);
    try (TfModel model = new ModelLoader(REGISTRY).load(dir, spec(reference), null)) {
      for (JsonNode rule : reference.get("quadrature").get("rules")) {
        for (JsonNode steps : reference.get("quadrature").get("steps")) {
          IgOptions options =
              IgOptions.defaults()
                  .withRule(QuadratureRule.fromExternalName(rule.asText()), steps.asInt());
          List<Attribution> results = explainCases(model, reference, options);
          int i = 0;
          for (JsonNode testCase : reference.get("cases")) {
            JsonNode expected = testCase.get("attributions").get(rule.asText()).get(steps.asText());
            assertMatches(
                results.get(i++), testCase, expected, name + " " + rule.asText() + "@" + steps);
          }
        }
      }
    }
  }

  @Test
  void nearExactReferenceIsReachedWithManyGaussLegendreSteps() {
    for (String name : List.of("breast_cancer", "digits_cnn", "text_sentiment")) {
      JsonNode reference = Fixtures.reference(name);
      try (TfModel model =
          new ModelLoader(REGISTRY)
              .load(Fixtures.modelDirectory(reference), spec(reference), null)) {
        JsonNode nearExact = reference.get("quadrature").get("near_exact");
        IgOptions options =
            IgOptions.defaults()
                .withRule(
                    QuadratureRule.fromExternalName(nearExact.get("method").asText()),
                    nearExact.get("steps").asInt())
                .withMaxRowsPerRun(512);
        List<Attribution> results = explainCases(model, reference, options);
        int i = 0;
        for (JsonNode testCase : reference.get("cases")) {
          assertMatches(
              results.get(i++), testCase, testCase.get("near_exact"), name + " near-exact");
        }
      }
    }
  }

  @Test
  void recurrentModelIsRefusedOnTheGraphRouteWithTheReason() {
    JsonNode reference = Fixtures.reference("digits_gru");
    assertThatThrownBy(
            () ->
                new ModelLoader(REGISTRY)
                    .load(Fixtures.modelDirectory(reference), spec(reference), null)
                    .close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("While")
        .hasMessageContaining("gradient signature");
  }

  @Test
  void recurrentModelWorksThroughItsGradientSignature() {
    JsonNode reference = Fixtures.reference("digits_gru_gradsig");
    try (TfModel model =
        new ModelLoader(REGISTRY).load(Fixtures.modelDirectory(reference), spec(reference), null)) {
      assertThat(model.route()).isEqualTo(GradientRoute.GRADIENT_SIGNATURE);
    }
  }

  /** The spec a user would write for this fixture, from the metadata its reference records. */
  static ExplainedModelSpec spec(JsonNode reference) {
    List<AttributionPoint> points = new ArrayList<>();
    reference
        .get("attributed_inputs")
        .fields()
        .forEachRemaining(
            entry -> {
              JsonNode how = entry.getValue();
              points.add(
                  how.get("space").asText().equals("layer")
                      ? new AttributionPoint(
                          entry.getKey(), how.get("savedmodel_node").get("node").asText())
                      : AttributionPoint.atInput(entry.getKey()));
            });
    return new ExplainedModelSpec(
        reference.get("signature_name").asText(),
        reference.get("explained_output").asText(),
        points,
        null);
  }

  static OutputKind outputKind(JsonNode reference) {
    if (reference.get("explained_quantity").asText().startsWith("P(class")) {
      return OutputKind.SIGMOID;
    }
    return reference.get("cases").get(0).get("target").isNull()
        ? OutputKind.SCALAR
        : OutputKind.VECTOR;
  }

  static List<Attribution> explainCases(TfModel model, JsonNode reference, IgOptions options) {
    List<Attribution> out = new ArrayList<>();
    for (List<Attribution> perRequest :
        new IntegratedGradients(model, outputKind(reference), options)
            .explain(requests(reference))) {
      assertThat(perRequest).hasSize(1);
      out.add(perRequest.get(0));
    }
    return out;
  }

  /** One request per reference case: the event's inputs, the case's baseline and target. */
  static List<ExplainRequest> requests(JsonNode reference) {
    Map<String, JsonNode> events = new HashMap<>();
    for (JsonNode event : reference.get("events")) {
      events.put(event.get("event_id").asText(), event);
    }
    List<ExplainRequest> requests = new ArrayList<>();
    for (JsonNode testCase : reference.get("cases")) {
      Map<String, DenseArray> inputs =
          readInputs(events.get(testCase.get("event_id").asText()).get("inputs"));
      // Inputs the baseline does not name (pass-through ones) keep the event's values.
      Map<String, DenseArray> baseline = new LinkedHashMap<>(inputs);
      baseline.putAll(readInputs(testCase.get("baseline")));
      JsonNode target = testCase.get("target");
      requests.add(
          new ExplainRequest(
              testCase.get("event_id").asText(),
              inputs,
              target.isNull() ? TargetSpec.PREDICTED : new TargetSpec.Index(target.asInt()),
              List.of(baseline)));
    }
    return requests;
  }

  private static Map<String, DenseArray> readInputs(JsonNode node) {
    Map<String, DenseArray> inputs = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> inputs.put(e.getKey(), JsonArrays.read(e.getValue())));
    return inputs;
  }

  static void assertMatches(
      Attribution actual, JsonNode testCase, JsonNode expected, String label) {
    String what = label + " " + testCase.get("event_id").asText();
    double fx = testCase.get("output_at_input").asDouble();
    double fb = testCase.get("output_at_baseline").asDouble();
    assertThat(actual.outputAtInput())
        .as(what + " F(x)")
        .isCloseTo(fx, within(1e-5 * Math.max(1, Math.abs(fx))));
    assertThat(actual.outputAtBaseline())
        .as(what + " F(b)")
        .isCloseTo(fb, within(1e-5 * Math.max(1, Math.abs(fb))));
    expected
        .get("attributions")
        .fields()
        .forEachRemaining(
            entry -> {
              DenseArray want = JsonArrays.read(entry.getValue());
              DenseArray got = actual.attributions().get(entry.getKey());
              assertThat(got).as(what + " has " + entry.getKey()).isNotNull();
              assertThat(got.values()).as(what + " size").hasSameSizeAs(want.values());
              double scale = 0;
              for (double v : want.values()) {
                scale = Math.max(scale, Math.abs(v));
              }
              double tolerance = 1e-4 * Math.max(scale, 1e-6);
              for (int i = 0; i < want.size(); i++) {
                assertThat(got.values()[i])
                    .as("%s %s[%d]", what, entry.getKey(), i)
                    .isCloseTo(want.values()[i], within(tolerance));
              }
            });
  }
}
