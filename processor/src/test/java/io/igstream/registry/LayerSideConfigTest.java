package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.testing.Fixtures;
import io.igstream.testing.Schemas;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code layer_side} and {@code layer_input_index} from the model config to the record. */
class LayerSideConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());
  private static final String MATMUL = "functional_5_1/hidden_1/MatMul";

  private static String config(String tokens) {
    return "{\"output\":\"output_0\",\"method\":\"gauss_legendre\",\"steps\":64,"
        + "\"inputs\":{\"tokens\":"
        + tokens
        + "}}";
  }

  private static ModelExplainer load(String json) throws IOException {
    return ModelExplainer.load(
        "text_sentiment",
        "1",
        Fixtures.root().resolve("models/text_sentiment/1"),
        ModelConfig.mapper().readValue(json, ModelConfig.class),
        LOADER);
  }

  @Test
  void inputSideReachesTheRecordInTheLayerInputsShape() throws IOException {
    String json = config("{\"layer\":\"" + MATMUL + "\",\"layer_side\":\"input\",\"baseline\":0}");
    Schemas.assertValid("model-config.schema.json", JSON.readTree(json));
    JsonNode reference =
        Fixtures.read(
            Fixtures.root().resolve("references/layer_inputs/text_sentiment_pooled.json"));
    JsonNode expected = reference.get("cases").get(0);
    JsonNode event = Fixtures.reference("text_sentiment").get("events").get(0);
    try (ModelExplainer explainer = load(json)) {
      Outcome outcome = explainer.explain(List.of(new EventParser(JSON).parse(event))).get(0);
      assertThat(outcome).isInstanceOf(Outcome.Explained.class);
      JsonNode record = ((Outcome.Explained) outcome).record();
      Schemas.assertValid("attribution-record.schema.json", record);
      assertThat(record.get("target").asInt()).isEqualTo(expected.get("target").asInt());
      JsonNode layer = record.get("layer_attributions").get("tokens");
      JsonNode want = expected.get("attributions");
      assertThat(layer.size()).isEqualTo(8);
      double scale = 0;
      double sum = 0;
      for (int i = 0; i < want.size(); i++) {
        scale = Math.max(scale, Math.abs(want.get(i).asDouble()));
      }
      for (int i = 0; i < want.size(); i++) {
        assertThat(layer.get(i).asDouble()).isCloseTo(want.get(i).asDouble(), within(1e-4 * scale));
        sum += layer.get(i).asDouble();
      }
      // The pooled vector has no per-token layout, so the input gets the total.
      assertThat(record.get("attributions").get("tokens").asDouble()).isCloseTo(sum, within(1e-9));
      assertThat(
              explainer.identity().config().get("inputs").get("tokens").get("layer_side").asText())
          .isEqualTo("input");
    }
  }

  @Test
  void imageLayerInputsWithAChannelReducerGiveAValidRecord() throws IOException {
    String json =
        "{\"output\":\"output_0\",\"steps\":16,\"inputs\":{\"image\":{\"layer\":"
            + "\"functional_3_1/relu_1/Relu\",\"layer_side\":\"input\",\"channel_reducer\":\"sum\"}}}";
    JsonNode event = Fixtures.reference("digits_cnn").get("events").get(0);
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "digits_cnn",
            "1",
            Fixtures.root().resolve("models/digits_cnn/1"),
            ModelConfig.mapper().readValue(json, ModelConfig.class),
            LOADER)) {
      Outcome outcome = explainer.explain(List.of(new EventParser(JSON).parse(event))).get(0);
      assertThat(outcome).isInstanceOf(Outcome.Explained.class);
      JsonNode record = ((Outcome.Explained) outcome).record();
      Schemas.assertValid("attribution-record.schema.json", record);
      // The batch-norm output: 8 x 8 pixels x 8 channels where the image has 1 channel.
      assertThat(record.get("layer_attributions").get("image").get(0).get(0).size()).isEqualTo(8);
      assertThat(record.get("attributions").get("image").isNumber()).isTrue();
    }
  }

  @Test
  void theSideChangesTheExplainerHash() throws IOException {
    try (ModelExplainer output = load(config("{\"layer\":\"" + MATMUL + "\"}"));
        ModelExplainer explicit =
            load(config("{\"layer\":\"" + MATMUL + "\",\"layer_side\":\"output\"}"));
        ModelExplainer input =
            load(config("{\"layer\":\"" + MATMUL + "\",\"layer_side\":\"input\"}"))) {
      assertThat(input.identity().hash()).isNotEqualTo(output.identity().hash());
      assertThat(explicit.identity().hash()).isEqualTo(output.identity().hash());
      assertThat(output.identity().config().get("inputs").get("tokens").has("layer_side"))
          .isFalse();
    }
  }

  @Test
  void badSideSettingsAreRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> load(config("{\"layer\":\"" + MATMUL + "\",\"layer_side\":\"middle\"}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("inputs.tokens.layer_side")
        .hasMessageContaining("middle");
    assertThatThrownBy(() -> load(config("{\"layer_side\":\"input\"}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("inputs.tokens.layer_side");
    assertThatThrownBy(() -> load(config("{\"layer\":\"" + MATMUL + "\",\"layer_input_index\":1}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("inputs.tokens.layer_input_index");
    assertThatThrownBy(
            () ->
                load(
                    config(
                        "{\"layer\":\""
                            + MATMUL
                            + "\",\"layer_side\":\"input\",\"layer_input_index\":-1}")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("inputs.tokens.layer_input_index");
  }
}
