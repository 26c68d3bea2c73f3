package io.igstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.igstream.testing.Fixtures;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs, baselines and targets through the whole explainer, on the closed-form fixtures. */
class ModelExplainerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ModelLoader LOADER = new ModelLoader(new OpRegistry());
  private final EventParser parser = new EventParser(JSON);

  @TempDir Path temp;

  private static Path model(String name) {
    return Fixtures.root().resolve("models").resolve(name).resolve("1");
  }

  private ModelConfig config(String json) throws IOException {
    return ModelConfig.mapper().readValue(json, ModelConfig.class);
  }

  private JsonNode explainOne(ModelExplainer explainer, String event) {
    Outcome outcome = explainer.explain(List.of(parser.parse(event))).get(0);
    assertThat(outcome).isInstanceOf(Outcome.Explained.class);
    return ((Outcome.Explained) outcome).record();
  }

  @Test
  void linearModelWithAveragedBaselinesMatchesTheClosedForm() throws IOException {
    // F = 2 x1 + x2 - 0.5 x3 + 0.5; IG against baselines b1, b2 averaged = w * (x - mean(b)).
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "linear",
            "1",
            model("linear"),
            config(
                "{\"output\":\"output\",\"baselines\":[{\"x\":[0,0,0]},{\"x\":[2,4,-2]}],"
                    + "\"inputs\":{\"x\":{\"feature_names\":[\"a\",\"b\",\"c\"]}}}"),
            LOADER)) {
      JsonNode record =
          explainOne(
              explainer,
              "{\"event_id\":\"e\",\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[3,1,2]}}");
      assertThat(record.get("attributions").get("x").get(0).asDouble())
          .isCloseTo(2 * (3 - 1), within(1e-5));
      assertThat(record.get("attributions").get("x").get(1).asDouble())
          .isCloseTo(1 * (1 - 2), within(1e-5));
      assertThat(record.get("attributions").get("x").get(2).asDouble())
          .isCloseTo(-0.5 * (2 - -1), within(1e-5));
      assertThat(record.get("top_features").get(0).get("feature").asText()).isEqualTo("a");
      assertThat(record.get("delta").asDouble()).isCloseTo(0, within(1e-5));
    }
  }

  @Test
  void randomBaselinesAreSeededByEventIdSoResultsRepeat() throws IOException {
    Path sample = temp.resolve("sample.jsonl");
    Files.write(
        sample,
        List.of(
            "{\"inputs\":{\"x\":[0,0,0]}}",
            "{\"inputs\":{\"x\":[1,1,1]}}",
            "{\"inputs\":{\"x\":[5,-5,2]}}"));
    String configJson =
        "{\"output\":\"output\",\"baseline_sample\":{\"file\":\""
            + sample.toString().replace("\\", "\\\\")
            + "\",\"draws\":4,\"seed\":9}}";
    try (ModelExplainer explainer =
        ModelExplainer.load("linear", "1", model("linear"), config(configJson), LOADER)) {
      String event =
          "{\"event_id\":\"same\",\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[3,1,2]}}";
      JsonNode first = explainOne(explainer, event);
      JsonNode second = explainOne(explainer, event);
      assertThat(first.get("attributions")).isEqualTo(second.get("attributions"));
      // F over the sample rows is 0.5, 3 and 4.5: F(b) must be the mean of four of them.
      double fb = first.get("output_at_baseline").asDouble();
      boolean possible = false;
      for (int a = 0; a <= 4; a++) {
        for (int b = 0; a + b <= 4; b++) {
          possible |= Math.abs(fb - (a * 0.5 + b * 3 + (4 - a - b) * 4.5) / 4) < 1e-5;
        }
      }
      assertThat(possible).as("F(b) = %s is a mean of four sample rows", fb).isTrue();
      java.util.Set<Double> seen = new java.util.HashSet<>();
      for (int i = 0; i < 8; i++) {
        seen.add(
            explainOne(explainer, event.replace("\"same\"", "\"id-" + i + "\""))
                .get("output_at_baseline")
                .asDouble());
      }
      assertThat(seen).as("different events draw different baselines").hasSizeGreaterThan(1);
      assertThat(first.get("delta").asDouble()).isCloseTo(0, within(1e-4));
    }
  }

  @Test
  void sigmoidConfigExplainsTheProbabilityOfEachClassAndTopTwoKeepsOneRecord() throws IOException {
    JsonNode reference = Fixtures.reference("sigmoid_binary");
    JsonNode event = reference.get("events").get(0);
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "sigmoid_binary",
            "1",
            model("sigmoid_binary"),
            config("{\"output\":\"output\",\"output_kind\":\"sigmoid\",\"target\":\"top-2\"}"),
            LOADER)) {
      JsonNode record = explainOne(explainer, event.toString());
      assertThat(record.get("other_targets")).hasSize(1);
      double p1 =
          record.get("target").asInt() == 1
              ? record.get("output_at_input").asDouble()
              : record.get("other_targets").get(0).get("output_at_input").asDouble();
      double p0 =
          record.get("target").asInt() == 0
              ? record.get("output_at_input").asDouble()
              : record.get("other_targets").get(0).get("output_at_input").asDouble();
      assertThat(p0 + p1).isCloseTo(1.0, within(1e-6));
      // Attributions for class 0 are the negated attributions for class 1.
      JsonNode a = record.get("attributions").get("x");
      JsonNode b = record.get("other_targets").get(0).get("attributions").get("x");
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).asDouble()).isCloseTo(-b.get(i).asDouble(), within(1e-6));
      }
    }
  }

  @Test
  void errorTargetRecordsWhetherEachEventMadeIt() throws IOException {
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "relu_paper",
            "1",
            model("relu_paper"),
            config(
                "{\"output\":\"output\",\"method\":\"riemann_left\",\"steps\":4,\"error_target\":0.001,\"max_steps\":64}"),
            LOADER)) {
      List<Outcome> outcomes =
          explainer.explain(
              List.of(
                  parser.parse(
                      "{\"event_id\":\"kinked\",\"model\":\"relu_paper\",\"version\":\"1\",\"inputs\":{\"x\":[3,1]}}")));
      ObjectNode record = ((Outcome.Explained) outcomes.get(0)).record();
      assertThat(record.has("error_target_met")).isTrue();
      assertThat(record.get("steps").asInt()).isGreaterThan(4).isLessThanOrEqualTo(64);
      if (!record.get("error_target_met").asBoolean()) {
        assertThat(record.get("approximation_error").asDouble()).isGreaterThan(0.001);
      }
    }
  }

  @Test
  void oneImpossibleTargetOrNonFiniteOutputFailsThatEventAloneWithTheReason() throws IOException {
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "square", "1", model("square"), config("{\"output\":\"output\"}"), LOADER)) {
      List<Outcome> outcomes =
          explainer.explain(
              List.of(
                  parser.parse(
                      "{\"event_id\":\"ok\",\"model\":\"square\",\"version\":\"1\",\"inputs\":{\"x\":[3,3]}}"),
                  parser.parse(
                      "{\"event_id\":\"t\",\"model\":\"square\",\"version\":\"1\",\"target\":5,\"inputs\":{\"x\":[3,3]}}"),
                  // (2 x1 + x2)^2 overflows float32 here: F(x) is infinite.
                  parser.parse(
                      "{\"event_id\":\"inf\",\"model\":\"square\",\"version\":\"1\",\"inputs\":{\"x\":[1e20,0]}}")));
      assertThat(outcomes.get(0)).isInstanceOf(Outcome.Explained.class);
      Outcome.Failed target = (Outcome.Failed) outcomes.get(1);
      assertThat(target.stage()).isEqualTo("schema");
      assertThat(target.reason()).contains("target 5 is out of range");
      Outcome.Failed overflow = (Outcome.Failed) outcomes.get(2);
      assertThat(overflow.stage()).isEqualTo("explain");
      assertThat(overflow.reason()).contains("non-finite").contains("model square version 1");
    }
  }

  @Test
  void namedFeaturesMustAllBeThereAndKnown() throws IOException {
    try (ModelExplainer explainer =
        ModelExplainer.load(
            "linear",
            "1",
            model("linear"),
            config(
                "{\"output\":\"output\",\"inputs\":{\"x\":{\"feature_names\":[\"a\",\"b\",\"c\"]}}}"),
            LOADER)) {
      List<PredictionEvent> events =
          List.of(
              parser.parse(
                  "{\"event_id\":\"ok\",\"model\":\"linear\",\"version\":\"1\",\"features\":{\"c\":1,\"a\":2,\"b\":3}}"),
              parser.parse(
                  "{\"event_id\":\"missing\",\"model\":\"linear\",\"version\":\"1\",\"features\":{\"a\":2,\"b\":3}}"),
              parser.parse(
                  "{\"event_id\":\"extra\",\"model\":\"linear\",\"version\":\"1\",\"features\":{\"a\":2,\"b\":3,\"c\":1,\"d\":0}}"));
      List<Outcome> outcomes = explainer.explain(events);
      assertThat(outcomes.get(0)).isInstanceOf(Outcome.Explained.class);
      assertThat(
              ((Outcome.Explained) outcomes.get(0))
                  .record()
                  .get("feature_attributions")
                  .get("a")
                  .asDouble())
          .isCloseTo(4.0, within(1e-5));
      assertThat(((Outcome.Failed) outcomes.get(1)).reason()).contains("missing feature 'c'");
      assertThat(((Outcome.Failed) outcomes.get(2)).reason()).contains("unknown feature 'd'");
    }
  }
}
