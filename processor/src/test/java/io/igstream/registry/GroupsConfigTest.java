package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.igstream.event.FeatureGroups;
import io.igstream.event.Records;
import io.igstream.ig.DenseArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feature groups read from configs: superpixel masks, and the refusals naming the key. */
class GroupsConfigTest {

  @TempDir Path temp;

  private static final Map<String, Records.InputPresentation> TABULAR =
      Map.of(
          "features",
          new Records.InputPresentation(
              "features", new long[] {4}, List.of("city_a", "city_b", "s1_x", "s1_y"), null));

  private static final Map<String, Records.InputPresentation> IMAGE =
      Map.of("image", new Records.InputPresentation("image", new long[] {2, 3, 2}, null, "sum"));

  private static ModelConfig config(String json) throws IOException {
    return ModelConfig.mapper().readValue(json, ModelConfig.class);
  }

  private FeatureGroups build(String json, Map<String, Records.InputPresentation> how)
      throws IOException {
    Path version = Files.createDirectories(temp.resolve("model/1"));
    return GroupsConfig.build(config(json), version, how);
  }

  @Test
  void unknownFeatureIsRefusedNamingTheGroup() {
    assertThatThrownBy(() -> build("{\"groups\":{\"city\":[\"city_a\",\"city_z\"]}}", TABULAR))
        .hasMessageContaining("groups.city")
        .hasMessageContaining("city_z");
  }

  @Test
  void overlappingGroupsAreRefused() {
    assertThatThrownBy(
            () ->
                build(
                    "{\"groups\":{\"city\":[\"city_a\",\"city_b\"],\"mixed\":[\"city_b\",\"s1_x\"]}}",
                    TABULAR))
        .hasMessageContaining("groups.mixed")
        .hasMessageContaining("already in group 'city'");
  }

  @Test
  void maskOfTheWrongShapeIsRefused() {
    assertThatThrownBy(
            () -> build("{\"inputs\":{\"image\":{\"superpixels\":[[0,1],[1,0]]}}}", IMAGE))
        .hasMessageContaining("inputs.image.superpixels")
        .hasMessageContaining("[2, 2]");
  }

  @Test
  void maskPathLeavingTheModelDirectoryIsRefused() throws IOException {
    Files.writeString(temp.resolve("outside.json"), "[[0,0,1],[1,1,0]]");
    assertThatThrownBy(
            () -> build("{\"inputs\":{\"image\":{\"superpixels\":\"../../outside.json\"}}}", IMAGE))
        .hasMessageContaining("inputs.image.superpixels")
        .hasMessageContaining("leaves the model directory");
  }

  @Test
  void maskFileNextToTheModelConfigCoversEveryChannelOfItsPixels() throws IOException {
    Files.createDirectories(temp.resolve("model/1"));
    Files.writeString(temp.resolve("model/mask.json"), "[[0,0,1],[1,1,0]]");
    FeatureGroups groups = build("{\"inputs\":{\"image\":{\"superpixels\":\"mask.json\"}}}", IMAGE);
    // Pixels (row-major) 0,1,5 have id 0 and 2,3,4 id 1; two channels each.
    double[] attributions = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    Map<String, Double> sums =
        groups.attributions(Map.of("image", new DenseArray(new long[] {2, 3, 2}, attributions)));
    assertThat(sums).containsOnlyKeys("image:0", "image:1");
    assertThat(sums.get("image:0")).isEqualTo(((((0.0 + 1) + 2) + 3) + 4 + 11) + 12);
    assertThat(sums.get("image:1")).isEqualTo(0.0 + 5 + 6 + 7 + 8 + 9 + 10);
    Map<String, Double> means =
        groups.values(Map.of("image", new DenseArray(new long[] {2, 3, 2}, attributions)));
    assertThat(means.get("image:0")).isEqualTo((1 + 2 + 3 + 4 + 11 + 12) / 6.0);
  }

  @Test
  void tabularGroupValueIsTheSumOfItsMembersInConfigOrder() throws IOException {
    FeatureGroups groups = build("{\"groups\":{\"sensor\":[\"s1_y\",\"s1_x\"]}}", TABULAR);
    DenseArray x = DenseArray.vector(0.1, 0.2, 0.3, 0.7);
    assertThat(groups.values(Map.of("features", x)).get("sensor")).isEqualTo(0.0 + 0.7 + 0.3);
    assertThat(groups.attributions(Map.of("features", x)).get("sensor")).isEqualTo(0.0 + 0.7 + 0.3);
  }
}
