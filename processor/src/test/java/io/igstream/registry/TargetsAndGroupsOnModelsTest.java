package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.testing.Fixtures;
import io.igstream.testing.Schemas;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Contrast targets and feature groups through the TF bridge on the breast_cancer classifier. */
class TargetsAndGroupsOnModelsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());
  private final EventParser parser = new EventParser(JSON);

  private static final String GROUPS =
      "\"groups\":{\"size\":[\"mean area\",\"mean radius\",\"mean perimeter\"],"
          + "\"worst_shape\":[\"worst concavity\",\"worst concave points\"]}";

  /** The fixture's own config (for its feature names) with the given fields set over it. */
  private ModelExplainer load(String overrides) throws IOException {
    ObjectNode config =
        (ObjectNode)
            JSON.readTree(
                Fixtures.root().resolve("models/breast_cancer/igstream-model.json").toFile());
    config.setAll((ObjectNode) JSON.readTree(overrides));
    return ModelExplainer.load(
        "breast_cancer",
        "1",
        Fixtures.root().resolve("models/breast_cancer/1"),
        ModelConfig.mapper().treeToValue(config, ModelConfig.class),
        LOADER);
  }

  /** The fixture's first event with the reference case's baseline and the given target. */
  private ObjectNode event(JsonNode target) {
    JsonNode reference = Fixtures.reference("breast_cancer");
    ObjectNode event = reference.get("events").get(0).deepCopy();
    event.set("baseline", reference.get("cases").get(0).get("baseline"));
    event.set("target", target);
    return event;
  }

  private JsonNode explain(ModelExplainer explainer, JsonNode event) {
    Outcome outcome = explainer.explain(List.of(parser.parse(event))).get(0);
    assertThat(outcome).isInstanceOf(Outcome.Explained.class);
    JsonNode record = ((Outcome.Explained) outcome).record();
    Schemas.assertValid("attribution-record.schema.json", record);
    return record;
  }

  @Test
  void contrastIsCompleteAgainstTheLogitDifferenceOnARealClassifier() throws IOException {
    try (ModelExplainer explainer = load("{\"output\":\"logits\",\"steps\":128}")) {
      JsonNode contrast = explain(explainer, event(JSON.readTree("{\"contrast\":[0,1]}")));
      // y(x) from the reference file; y(b) from plain single-class runs, which do not use the
      // contrast code.
      JsonNode logits = Fixtures.reference("breast_cancer").get("cases").get(0);
      logits = logits.get("serving_outputs").get("logits");
      double y0b =
          explain(explainer, event(JSON.getNodeFactory().numberNode(0)))
              .get("output_at_baseline")
              .asDouble();
      double y1b =
          explain(explainer, event(JSON.getNodeFactory().numberNode(1)))
              .get("output_at_baseline")
              .asDouble();
      double expected = (logits.get(0).asDouble() - logits.get(1).asDouble()) - (y0b - y1b);
      double sum = 0;
      for (JsonNode v : contrast.get("attributions").get("features")) {
        sum += v.asDouble();
      }
      assertThat(sum).isCloseTo(expected, within(0.01 * Math.abs(expected)));
      assertThat(contrast.get("target").get("kind").asText()).isEqualTo("contrast");
      assertThat(contrast.get("target").get("classes")).isEqualTo(JSON.readTree("[0,1]"));
    }
  }

  private static double probability(double y0, double y1, int a, double temperature) {
    double e0 = Math.exp(y0 / temperature);
    double e1 = Math.exp(y1 / temperature);
    return (a == 0 ? e0 : e1) / (e0 + e1);
  }

  @Test
  void softmaxWithTemperatureIsCompleteAgainstTheProbabilityChange() throws IOException {
    try (ModelExplainer explainer = load("{\"output\":\"logits\",\"steps\":128}")) {
      JsonNode record =
          explain(explainer, event(JSON.readTree("{\"softmax\":1,\"temperature\":8.0}")));
      JsonNode logits =
          Fixtures.reference("breast_cancer").get("cases").get(0).get("serving_outputs");
      logits = logits.get("logits");
      double y0b =
          explain(explainer, event(JSON.getNodeFactory().numberNode(0)))
              .get("output_at_baseline")
              .asDouble();
      double y1b =
          explain(explainer, event(JSON.getNodeFactory().numberNode(1)))
              .get("output_at_baseline")
              .asDouble();
      double expected =
          probability(logits.get(0).asDouble(), logits.get(1).asDouble(), 1, 8.0)
              - probability(y0b, y1b, 1, 8.0);
      double sum = 0;
      for (JsonNode v : record.get("attributions").get("features")) {
        sum += v.asDouble();
      }
      assertThat(sum).isCloseTo(expected, within(0.01 * Math.abs(expected)));
      assertThat(record.get("target").get("kind").asText()).isEqualTo("softmax");
    }
  }

  @Test
  void runnerUpOfATwoClassModelIsTheOtherClass() throws IOException {
    try (ModelExplainer explainer =
        load("{\"output\":\"logits\",\"target\":{\"contrast\":[1,\"runner_up\"]}}")) {
      ObjectNode event = event(null);
      event.remove("target");
      JsonNode record = explain(explainer, event);
      assertThat(record.get("target").get("classes")).isEqualTo(JSON.readTree("[1,0]"));
      assertThat(record.get("target").get("runner_up").asBoolean()).isTrue();
    }
  }

  @Test
  void groupsAreTheirMembersSummedInConfigOrderBitForBit() throws IOException {
    try (ModelExplainer explainer = load("{\"output\":\"logits\"," + GROUPS + "}")) {
      JsonNode record = explain(explainer, event(JSON.getNodeFactory().numberNode(0)));
      JsonNode features = record.get("feature_attributions");
      JsonNode groups = record.get("group_attributions");
      double size = 0.0;
      for (String member : List.of("mean area", "mean radius", "mean perimeter")) {
        size += features.get(member).asDouble();
      }
      double worst = 0.0;
      for (String member : List.of("worst concavity", "worst concave points")) {
        worst += features.get(member).asDouble();
      }
      assertThat(groups.get("size").asDouble()).isEqualTo(size);
      assertThat(groups.get("worst_shape").asDouble()).isEqualTo(worst);
      assertThat(groups.size()).isEqualTo(2);
      // top_features ranks the groups in place of their members.
      List<String> members =
          List.of(
              "mean area",
              "mean radius",
              "mean perimeter",
              "worst concavity",
              "worst concave points");
      for (JsonNode top : record.get("top_features")) {
        assertThat(members).doesNotContain(top.get("feature").asText());
      }
      List<Map.Entry<String, Double>> expectedTop = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!members.contains(f.getKey())) {
          expectedTop.add(Map.entry(f.getKey(), f.getValue().asDouble()));
        }
      }
      expectedTop.add(Map.entry("size", size));
      expectedTop.add(Map.entry("worst_shape", worst));
      expectedTop.sort((a, b) -> Double.compare(Math.abs(b.getValue()), Math.abs(a.getValue())));
      assertThat(record.get("top_features").get(0).get("feature").asText())
          .isEqualTo(expectedTop.get(0).getKey());
    }
  }

  @Test
  void softmaxTargetWithGuidedIgIsRefusedAtLoad() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                load(
                    "{\"output\":\"logits\",\"method\":\"guided_ig\","
                        + "\"target\":{\"softmax\":0}}"))
        .hasMessageContaining("softmax")
        .hasMessageContaining("guided_ig");
  }

  @Test
  void groupsAndTargetsChangeTheExplainerHash() throws IOException {
    String plain;
    String predicted;
    String grouped;
    String contrast;
    try (ModelExplainer explainer = load("{\"output\":\"logits\"}")) {
      plain = explainer.identity().hash();
    }
    try (ModelExplainer explainer = load("{\"output\":\"logits\",\"target\":\"predicted\"}")) {
      predicted = explainer.identity().hash();
    }
    try (ModelExplainer explainer = load("{\"output\":\"logits\"," + GROUPS + "}")) {
      grouped = explainer.identity().hash();
    }
    try (ModelExplainer explainer =
        load("{\"output\":\"logits\",\"target\":{\"contrast\":[0,1]}}")) {
      contrast = explainer.identity().hash();
    }
    assertThat(predicted).isEqualTo(plain);
    assertThat(List.of(grouped, contrast)).doesNotContain(plain).doesNotHaveDuplicates();
  }
}
