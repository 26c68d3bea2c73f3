package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.igstream.ig.BlurOptions;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.Schemas;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code "method": "blur_ig"} through the whole explainer: record, identity, refusals. */
class BlurConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());
  private static final String DIGITS = "{\"output\":\"output_0\",\"method\":\"blur_ig\",";

  private static ModelConfig config(String json) throws IOException {
    return ModelConfig.mapper().readValue(json, ModelConfig.class);
  }

  private static ModelExplainer load(String model, String json) throws IOException {
    return ModelExplainer.load(
        model,
        "1",
        Fixtures.root().resolve("models").resolve(model).resolve("1"),
        config(json),
        LOADER);
  }

  private static List<PredictionEvent> events(String model, String as) {
    EventParser parser = new EventParser(JSON);
    List<PredictionEvent> events = new ArrayList<>();
    for (JsonNode event : Fixtures.reference(model).get("events")) {
      ((ObjectNode) event).put("model", as);
      events.add(parser.parse(event.toString()));
    }
    return events;
  }

  /**
   * The stream's route: a model root whose config selects Blur IG. One batch of 3 events takes
   * {@code steps} gradient runs of 3 rows each, as the metrics hear them; records say blur_ig, are
   * valid, and their delta is completeness against the blurred image.
   */
  @Test
  void theRepositoryExplainsABatchWithOneRunPerStep(@TempDir Path root) throws IOException {
    ModelRoots.deploy(root, "digits_cnn", "digits", "1");
    Files.writeString(
        root.resolve("digits").resolve(ModelConfig.FILE_NAME),
        DIGITS + "\"steps\":9,\"blur\":{\"max_sigma\":6,\"grad_step\":0.02}}");
    List<Long> runs = Collections.synchronizedList(new ArrayList<>());
    try (ModelRepository repository =
            new ModelRepository(root, LOADER, 2, (model, rows) -> runs.add(rows));
        ModelRepository.Lease lease = repository.lease("digits", "1")) {
      assertThat(lease.explainer().blur().maxSigma()).isEqualTo(6.0);
      List<Outcome> outcomes = lease.explainer().explain(events("digits_cnn", "digits"));
      assertThat(outcomes).hasSize(3).allMatch(o -> o instanceof Outcome.Explained);
      for (Outcome outcome : outcomes) {
        JsonNode record = ((Outcome.Explained) outcome).record();
        assertThat(record.get("method").asText()).isEqualTo("blur_ig");
        assertThat(record.get("steps").asInt()).isEqualTo(9);
        Schemas.assertValid("attribution-record.schema.json", record);
        double sum = record.get("attribution_sum").asDouble();
        double change =
            record.get("output_at_input").asDouble() - record.get("output_at_baseline").asDouble();
        assertThat(record.get("delta").asDouble()).isCloseTo(sum - change, within(1e-9));
      }
    }
    assertThat(runs).hasSize(9).allMatch(rows -> rows == 3);
  }

  @Test
  void aNonImageInputIsRefusedByName() {
    assertThatThrownBy(() -> load("linear", "{\"output\":\"output\",\"method\":\"blur_ig\"}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("blur_ig");
    // Token ids attributed at their embedding (a rank-2 tensor): refused for the layer, by name.
    assertThatThrownBy(
            () ->
                load(
                    "text_sentiment",
                    "{\"output\":\"output_0\",\"method\":\"blur_ig\",\"inputs\":{\"tokens\":"
                        + "{\"layer\":\"functional_5_1/token_embedding_1/GatherV2\"}}}"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'tokens'")
        .hasMessageContaining("layer");
  }

  @Test
  void theSchemaExampleIsAValidConfig() throws IOException {
    ModelConfig example =
        ModelConfig.read(
            Fixtures.repositoryRoot().resolve("schemas/examples/model-config-blur.json"));
    Schemas.assertValid(
        "model-config.schema.json",
        JSON.readTree(
            Fixtures.repositoryRoot().resolve("schemas/examples/model-config-blur.json").toFile()));
    BlurOptions options = BlurSettings.of(example);
    assertThat(options.maxSigma()).isEqualTo(50.0);
    assertThat(options.gradStep()).isEqualTo(0.01);
  }

  @Test
  void explainerHashChangesWithEachBlurSetting() throws IOException {
    String base = DIGITS + "\"steps\":10";
    List<String> configs =
        List.of(
            "{\"output\":\"output_0\",\"method\":\"riemann_left\",\"steps\":10}",
            base + "}",
            base + ",\"blur\":{\"max_sigma\":20}}",
            base + ",\"blur\":{\"grad_step\":0.1}}",
            base + ",\"blur\":{\"schedule\":\"sqrt\"}}");
    Set<String> hashes = new HashSet<>();
    for (String json : configs) {
      try (ModelExplainer explainer = load("digits_cnn", json)) {
        hashes.add(explainer.identity().hash());
        if (json.contains("blur_ig")) {
          assertThat(explainer.identity().config().get("method").asText()).isEqualTo("blur_ig");
          assertThat(explainer.identity().config().get("blur").has("grad_step")).isTrue();
        }
      }
    }
    assertThat(hashes).hasSize(configs.size());
    try (ModelExplainer implicit = load("digits_cnn", base + "}");
        ModelExplainer explicit =
            load(
                "digits_cnn",
                base
                    + ",\"blur\":{\"max_sigma\":50,\"grad_step\":0.01,"
                    + "\"schedule\":\"linear\"}}")) {
      assertThat(implicit.identity().hash()).isEqualTo(explicit.identity().hash());
    }
  }

  @Test
  void badSettingsAreRefusedWithTheKeyNamed() throws IOException {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry(DIGITS + "\"blur\":{\"max_sigma\":0}}", "blur.max_sigma"),
            Map.entry(DIGITS + "\"blur\":{\"max_sigma\":-3}}", "blur.max_sigma"),
            Map.entry(DIGITS + "\"blur\":{\"grad_step\":0}}", "blur.grad_step"),
            Map.entry(DIGITS + "\"blur\":{\"schedule\":\"log\"}}", "blur.schedule"),
            Map.entry(DIGITS + "\"steps\":0}", "steps"),
            Map.entry(DIGITS + "\"smoothing\":{\"variant\":\"smoothgrad\"}}", "smoothing"),
            Map.entry(DIGITS + "\"error_target\":0.01}", "error_target"),
            Map.entry(DIGITS + "\"multiply_by_inputs\":false}", "multiply_by_inputs"),
            Map.entry(DIGITS + "\"baseline\":0.5}", "baseline"),
            Map.entry(
                "{\"output\":\"output_0\",\"method\":\"gauss_legendre\",\"blur\":{\"max_sigma\":5}}",
                "\"blur\""));
    cases.forEach(
        (json, key) ->
            assertThatThrownBy(() -> load("digits_cnn", json).close())
                .as(json)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(key));
    assertThatThrownBy(() -> load("digits_cnn", "{\"method\":\"blur\"}").close())
        .hasMessageContaining("blur_ig");
    assertThatThrownBy(() -> config(DIGITS + "\"blur\":{\"max_sigmaa\":5}}"))
        .hasMessageContaining("max_sigmaa");
  }
}
