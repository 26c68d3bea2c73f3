package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.testing.Fixtures;
import io.igstream.testing.Schemas;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Superpixel groups on the digits_cnn image model through the TF bridge. */
class SuperpixelsOnModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Quadrant of a pixel of the 8 x 8 image: the mask's group id. */
  private static int quadrant(int row, int col) {
    return (row / 4) * 2 + col / 4;
  }

  @Test
  void quadrantGroupsAreTheirPixelsSummedInRowMajorOrder() throws Exception {
    ArrayNode mask = JSON.createArrayNode();
    for (int r = 0; r < 8; r++) {
      ArrayNode row = mask.addArray();
      for (int c = 0; c < 8; c++) {
        row.add(quadrant(r, c));
      }
    }
    ObjectNode config =
        (ObjectNode)
            JSON.readTree(
                Fixtures.root().resolve("models/digits_cnn/igstream-model.json").toFile());
    ((ObjectNode) config.get("inputs").get("image")).set("superpixels", mask);
    JsonNode event = Fixtures.reference("digits_cnn").get("events").get(0);
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "digits_cnn",
            "1",
            Fixtures.root().resolve("models/digits_cnn/1"),
            ModelConfig.mapper().treeToValue(config, ModelConfig.class),
            new ModelLoader(new OpRegistry()))) {
      Outcome outcome = explainer.explain(List.of(new EventParser(JSON).parse(event))).get(0);
      assertThat(outcome).isInstanceOf(Outcome.Explained.class);
      JsonNode record = ((Outcome.Explained) outcome).record();
      Schemas.assertValid("attribution-record.schema.json", record);
      JsonNode image = record.get("attributions").get("image");
      double[] expected = new double[4];
      for (int r = 0; r < 8; r++) {
        for (int c = 0; c < 8; c++) {
          expected[quadrant(r, c)] += image.get(r).get(c).get(0).asDouble();
        }
      }
      JsonNode groups = record.get("group_attributions");
      assertThat(groups.size()).isEqualTo(4);
      for (int q = 0; q < 4; q++) {
        assertThat(groups.get("image:" + q).asDouble()).isEqualTo(expected[q]);
      }
    }
  }
}
