package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.Schemas;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the stream's explainer does with a repository whose model config has a superpixel mask file
 * next to it, for an event that brings a contrast target.
 */
class RepositoryTargetsAndGroupsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  @Test
  void maskNextToTheConfigAndAnEventTargetReachTheRecordAndTheObservations() throws Exception {
    ModelRoots.deploy(root, "digits_cnn", "digits", "1");
    Path configFile = root.resolve("digits").resolve(ModelConfig.FILE_NAME);
    ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
    ((ObjectNode) config.get("inputs").get("image")).put("superpixels", "halves.json");
    Files.writeString(configFile, config.toString());
    StringBuilder mask = new StringBuilder("[");
    for (int r = 0; r < 8; r++) {
      mask.append(r == 0 ? "" : ",").append(r < 4 ? "[0,0,0,0,0,0,0,0]" : "[1,1,1,1,1,1,1,1]");
    }
    Files.writeString(root.resolve("digits/halves.json"), mask.append("]").toString());

    ObjectNode event = Fixtures.reference("digits_cnn").get("events").get(0).deepCopy();
    event.put("model", "digits");
    event.set("target", JSON.readTree("{\"contrast\":[0,\"runner_up\"]}"));
    try (ModelRepository repository =
        new ModelRepository(root, new ModelLoader(new OpRegistry()), 2)) {
      Outcome outcome =
          new RepositoryBatchExplainer(repository)
              .explain("digits", "1", List.of(new EventParser(JSON).parse(event)))
              .get(0);
      assertThat(outcome).isInstanceOf(Outcome.Explained.class);
      Outcome.Explained explained = (Outcome.Explained) outcome;
      JsonNode record = explained.record();
      Schemas.assertValid("attribution-record.schema.json", record);
      assertThat(record.get("target").get("kind").asText()).isEqualTo("contrast");
      assertThat(record.get("group_attributions").fieldNames())
          .toIterable()
          .containsExactly("image:0", "image:1");
      double halves =
          record.get("group_attributions").get("image:0").asDouble()
              + record.get("group_attributions").get("image:1").asDouble();
      assertThat(explained.observation().attributions())
          .containsKeys("image", "image:0", "image:1");
      assertThat(explained.observation().attributions().get("image:1"))
          .isEqualTo(record.get("group_attributions").get("image:1").asDouble());
      assertThat(halves).isCloseTo(record.get("attribution_sum").asDouble(), within(1e-9));
    }
  }

  @Test
  void editingTheMaskFileChangesTheExplainerHash() throws Exception {
    ModelRoots.deploy(root, "digits_cnn", "digits", "1");
    Path configFile = root.resolve("digits").resolve(ModelConfig.FILE_NAME);
    ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
    ((ObjectNode) config.get("inputs").get("image")).put("superpixels", "mask.json");
    ModelConfig parsed = ModelConfig.mapper().treeToValue(config, ModelConfig.class);
    Path mask = root.resolve("digits/mask.json");
    ModelLoader loader = new ModelLoader(new OpRegistry());
    List<String> hashes = new java.util.ArrayList<>();
    for (String row : List.of("[0,0,0,0,1,1,1,1]", "[0,0,1,1,1,1,1,1]")) {
      Files.writeString(mask, "[" + String.join(",", java.util.Collections.nCopies(8, row)) + "]");
      try (ModelExplainer explainer =
          ModelExplainer.load("digits", "1", root.resolve("digits/1"), parsed, loader)) {
        hashes.add(explainer.identity().hash());
      }
    }
    assertThat(hashes.get(0)).isNotEqualTo(hashes.get(1));
  }

  private static org.assertj.core.data.Offset<Double> within(double v) {
    return org.assertj.core.api.Assertions.within(v);
  }
}
