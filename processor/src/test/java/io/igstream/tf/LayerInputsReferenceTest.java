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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attribution to a layer's inputs on text_sentiment and digits_cnn against the independent Python
 * reference in {@code fixtures/references/layer_inputs/} (float64 GradientTape w.r.t. the tensor
 * flowing into the node): within 1e-4 of the largest reference attribution, F(x) and F(b) within
 * 1e-5.
 */
class LayerInputsReferenceTest {

  private static final OpRegistry REGISTRY = new OpRegistry();

  private static JsonNode reference(String file) {
    return Fixtures.read(Fixtures.root().resolve("references/layer_inputs/" + file + ".json"));
  }

  private static TfModel open(JsonNode reference, AttributionPoint point) {
    Path dir = Fixtures.repositoryRoot().resolve(reference.get("model_dir").asText());
    return new ModelLoader(REGISTRY)
        .load(
            dir, new ExplainedModelSpec("serving_default", "output_0", List.of(point), null), null);
  }

  private static AttributionPoint inputSide(JsonNode reference) {
    return new AttributionPoint(
        reference.get("input").asText(),
        reference.get("layer").asText(),
        true,
        reference.get("layer_input_index").asInt());
  }

  private static List<Attribution> explain(TfModel model, JsonNode reference) {
    String input = reference.get("input").asText();
    List<ExplainRequest> requests = new ArrayList<>();
    for (JsonNode c : reference.get("cases")) {
      requests.add(
          new ExplainRequest(
              c.get("event_id").asText(),
              Map.of(input, JsonArrays.read(c.get("inputs").get(input))),
              new TargetSpec.Index(c.get("target").asInt()),
              List.of(Map.of(input, JsonArrays.read(c.get("baseline").get(input))))));
    }
    IgOptions options =
        IgOptions.defaults()
            .withRule(
                QuadratureRule.fromExternalName(reference.get("method").asText()),
                reference.get("steps").asInt());
    List<Attribution> out = new ArrayList<>();
    for (List<Attribution> perRequest :
        new IntegratedGradients(model, OutputKind.VECTOR, options).explain(requests)) {
      out.add(perRequest.get(0));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"text_sentiment_pooled", "text_sentiment_activations", "digits_cnn_batchnorm"})
  void matchesTheReferenceAndIsComplete(String point) {
    JsonNode reference = reference(point);
    try (TfModel model = open(reference, inputSide(reference))) {
      List<Attribution> results = explain(model, reference);
      int i = 0;
      for (JsonNode c : reference.get("cases")) {
        Attribution got = results.get(i++);
        String what = point + " " + c.get("event_id").asText();
        double fx = c.get("output_at_input").asDouble();
        double fb = c.get("output_at_baseline").asDouble();
        assertThat(got.outputAtInput()).as(what + " F(x)").isCloseTo(fx, within(1e-5));
        assertThat(got.outputAtBaseline()).as(what + " F(b)").isCloseTo(fb, within(1e-5));
        DenseArray want = JsonArrays.read(c.get("attributions"));
        DenseArray have = got.attributions().get(reference.get("input").asText());
        // The attributions are in the shape of the layer's input, not of the embedding output.
        assertThat(have.shape()).as(what + " shape").containsExactly(want.shape());
        double scale = 0;
        for (double v : want.values()) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < want.size(); k++) {
          assertThat(have.values()[k])
              .as("%s [%d]", what, k)
              .isCloseTo(want.values()[k], within(1e-4 * scale));
        }
        // Completeness against F(x) - F(b): the engine's error is the reference's own, zero for
        // the linear head after the activations and a quadrature error across ReLU kinks.
        double referenceDelta = c.get("attribution_sum").asDouble() - (fx - fb);
        assertThat(got.attributionSum() - (got.outputAtInput() - got.outputAtBaseline()))
            .as(what + " completeness")
            .isCloseTo(referenceDelta, within(1e-4 * Math.max(1, Math.abs(fx - fb))));
        if (point.endsWith("activations")) {
          assertThat(got.attributionSum()).as(what + " sum").isCloseTo(fx - fb, within(1e-4));
        }
      }
    }
  }

  @Test
  void inputSideDiffersFromTheOutputSideOfTheSameNode() {
    JsonNode reference = reference("text_sentiment_pooled");
    try (TfModel inputs = open(reference, inputSide(reference));
        TfModel outputs =
            open(reference, new AttributionPoint("tokens", reference.get("layer").asText()))) {
      // Input of hidden/MatMul: the pooled embedding [8]; its output: the pre-activations [16].
      assertThat(inputs.attributedTensors().get(0).rowShape()).containsExactly(8);
      assertThat(outputs.attributedTensors().get(0).rowShape()).containsExactly(16);
    }
  }

  @Test
  void missingDataInputIsRefusedNamingTheKey() {
    JsonNode reference = reference("text_sentiment_pooled");
    assertThatThrownBy(
            () ->
                open(
                        reference,
                        new AttributionPoint("tokens", reference.get("layer").asText(), true, 5))
                    .close())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("layer_input_index 5")
        .hasMessageContaining("2 data input(s)");
  }
}
