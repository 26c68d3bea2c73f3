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

/** {@code "method": "guided_ig"} through the whole explainer: record, identity, refusals. */
class GuidedConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());
  private static final String EVENT =
      "{\"event_id\":\"e\",\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[3,1,2]}}";

  private static Path linear() {
    return Fixtures.root().resolve("models").resolve("linear").resolve("1");
  }

  private static ModelConfig config(String json) throws IOException {
    return ModelConfig.mapper().readValue(json, ModelConfig.class);
  }

  private static ModelExplainer load(String json) throws IOException {
    return ModelExplainer.load("linear", "1", linear(), config(json), LOADER);
  }

  @Test
  void recordSaysGuidedIgAndTheLinearModelGetsItsClosedForm() throws IOException {
    // F = 2 x1 + x2 - 0.5 x3 + 0.5 against the zero baseline: every path gives w * x.
    try (ModelExplainer explainer =
        load(
            "{\"output\":\"output\",\"method\":\"guided_ig\",\"steps\":10,"
                + "\"guided\":{\"fraction\":0.5,\"anchors\":1,\"max_dist\":0.5}}")) {
      Outcome outcome = explainer.explain(List.of(new EventParser(JSON).parse(EVENT))).get(0);
      assertThat(outcome).isInstanceOf(Outcome.Explained.class);
      JsonNode record = ((Outcome.Explained) outcome).record();
      assertThat(record.get("method").asText()).isEqualTo("guided_ig");
      Schemas.assertValid("attribution-record.schema.json", record);
      assertThat(record.get("steps").asInt()).isEqualTo(20);
      double[] expected = {2 * 3, 1 * 1, -0.5 * 2};
      for (int i = 0; i < 3; i++) {
        assertThat(record.get("attributions").get("x").get(i).asDouble())
            .isCloseTo(expected[i], within(1e-5));
      }
      assertThat(record.get("delta").asDouble()).isCloseTo(0, within(1e-5));
      assertThat(explainer.guided().anchors()).isEqualTo(1);
    }
  }

  /**
   * The stream's route: a model root whose config selects Guided IG. One batch of 4 events takes
   * steps x (anchors + 1) gradient runs of 4 rows each, as the metrics hear them.
   */
  @Test
  void theRepositoryExplainsABatchWithOneRunPerStep(@TempDir Path root) throws IOException {
    ModelRoots.deploy(root, "diabetes", "diab", "1");
    Files.writeString(
        root.resolve("diab").resolve(ModelConfig.FILE_NAME),
        "{\"output\":\"progression\",\"method\":\"guided_ig\",\"steps\":7,"
            + "\"guided\":{\"anchors\":1}}");
    List<Long> runs = Collections.synchronizedList(new ArrayList<>());
    EventParser parser = new EventParser(JSON);
    List<PredictionEvent> events = new ArrayList<>();
    for (JsonNode event : Fixtures.reference("diabetes").get("events")) {
      ((ObjectNode) event).put("model", "diab");
      events.add(parser.parse(event.toString()));
    }
    try (ModelRepository repository =
            new ModelRepository(root, LOADER, 2, (model, rows) -> runs.add(rows));
        ModelRepository.Lease lease = repository.lease("diab", "1")) {
      List<Outcome> outcomes = lease.explainer().explain(events);
      assertThat(outcomes).hasSize(4).allMatch(o -> o instanceof Outcome.Explained);
      for (Outcome outcome : outcomes) {
        assertThat(((Outcome.Explained) outcome).record().get("method").asText())
            .isEqualTo("guided_ig");
      }
    }
    assertThat(runs).hasSize(7 * 2).allMatch(rows -> rows == 4);
  }

  @Test
  void theSchemaExampleIsAValidConfig() throws IOException {
    ModelConfig example =
        ModelConfig.read(
            Fixtures.repositoryRoot().resolve("schemas/examples/model-config-guided.json"));
    assertThat(GuidedSettings.of(example).anchors()).isEqualTo(2);
  }

  @Test
  void explainerHashChangesWithEachGuidedSetting() throws IOException {
    String base = "{\"output\":\"output\",\"method\":\"guided_ig\",\"steps\":10";
    List<String> configs =
        List.of(
            "{\"output\":\"output\",\"method\":\"riemann_left\",\"steps\":10}",
            base + "}",
            base + ",\"guided\":{\"fraction\":0.1}}",
            base + ",\"guided\":{\"anchors\":2}}",
            base + ",\"guided\":{\"max_dist\":0.2}}");
    Set<String> hashes = new HashSet<>();
    for (String json : configs) {
      try (ModelExplainer explainer = load(json)) {
        hashes.add(explainer.identity().hash());
        if (json.contains("guided_ig")) {
          assertThat(explainer.identity().config().get("method").asText()).isEqualTo("guided_ig");
          assertThat(explainer.identity().config().get("guided").has("max_dist")).isTrue();
        }
      }
    }
    assertThat(hashes).hasSize(configs.size());
    // The defaults written out are the same explainer as the defaults left implicit.
    try (ModelExplainer implicit = load(base + "}");
        ModelExplainer explicit =
            load(base + ",\"guided\":{\"fraction\":0.25,\"anchors\":0,\"max_dist\":1.0}}")) {
      assertThat(implicit.identity().hash()).isEqualTo(explicit.identity().hash());
    }
  }

  @Test
  void badSettingsAreRefusedWithTheKeyNamed() {
    String guided = "{\"output\":\"output\",\"method\":\"guided_ig\",";
    Map<String, String> cases =
        Map.of(
            guided + "\"guided\":{\"fraction\":1.5}}",
            "guided.fraction",
            guided + "\"guided\":{\"fraction\":0}}",
            "guided.fraction",
            guided + "\"guided\":{\"anchors\":-1}}",
            "guided.anchors",
            guided + "\"guided\":{\"max_dist\":0}}",
            "guided.max_dist",
            guided + "\"steps\":0}",
            "steps",
            guided + "\"smoothing\":{\"variant\":\"smoothgrad\"}}",
            "smoothing",
            guided + "\"error_target\":0.01}",
            "error_target",
            guided + "\"multiply_by_inputs\":false}",
            "multiply_by_inputs",
            "{\"output\":\"output\",\"method\":\"gauss_legendre\",\"guided\":{\"anchors\":1}}",
            "\"guided\"");
    cases.forEach(
        (json, key) ->
            assertThatThrownBy(() -> load(json).close())
                .as(json)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(key));
    assertThatThrownBy(() -> load("{\"output\":\"output\",\"method\":\"guided\"}").close())
        .hasMessageContaining("unknown method 'guided'")
        .hasMessageContaining("guided_ig");
    assertThatThrownBy(() -> config(guided + "\"guided\":{\"fractoin\":0.5}}"))
        .hasMessageContaining("fractoin");
  }
}
