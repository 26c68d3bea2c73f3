package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.JsonArrays;
import io.igstream.ig.DenseArray;
import io.igstream.testing.Fixtures;
import io.igstream.testing.Schemas;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code igstream explain} and {@code inspect-model} run in-process, as a user would run them. */
class ExplainCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void explainsEveryEventInOrderAndTurnsBadOnesIntoErrorRecords() throws IOException {
    JsonNode reference = Fixtures.reference("breast_cancer");
    List<String> lines = new ArrayList<>();
    for (JsonNode event : reference.get("events")) {
      lines.add(event.toString());
    }
    lines.add(1, "{this is not json");
    lines.add(
        3,
        "{\"event_id\": \"short\", \"model\": \"breast_cancer\", \"version\": \"1\", \"inputs\": {\"features\": [1, 2, 3]}}");
    lines.add(
        "{\"event_id\": \"nan\", \"model\": \"breast_cancer\", \"version\": \"1\", \"inputs\": {\"features\": [1, \"x\"]}}");
    lines.add(
        "{\"event_id\": \"other\", \"model\": \"breast_cancer\", \"version\": \"1\", \"inputs\": {\"pixels\": [1]}}");
    lines.add(
        "{\"event_id\": \"escape\", \"model\": \"../../etc\", \"version\": \"1\", \"inputs\": {\"features\": [1]}}");
    Path events = temp.resolve("events.jsonl");
    Files.write(events, lines);
    Path out = temp.resolve("out.jsonl");

    Result result =
        explain(
            Fixtures.root().resolve("models/breast_cancer/1"),
            events,
            out,
            "--steps",
            "64",
            "--method",
            "gauss_legendre");

    assertThat(result.exitCode).as(result.err).isZero();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      records.add(JSON.readTree(line));
    }
    assertThat(records).hasSize(lines.size());
    assertThat(records.get(1).get("error").get("stage").asText()).isEqualTo("parse");
    assertThat(records.get(1).get("event_id").isNull()).isTrue();
    assertThat(records.get(3).get("event_id").asText()).isEqualTo("short");
    assertThat(records.get(3).get("error").get("reason").asText())
        .contains("shape [3]")
        .contains("[30]");
    assertThat(records.get(lines.size() - 3).get("error").get("reason").asText())
        .contains("expected a number");
    assertThat(records.get(lines.size() - 2).get("error").get("reason").asText())
        .contains("unknown input 'pixels'");
    assertThat(records.get(lines.size() - 1).get("error").get("reason").asText())
        .contains("no path separators");

    int explained = 0;
    for (JsonNode record : records) {
      if (record.has("error")) {
        Schemas.assertValid("error-record.schema.json", record);
        continue;
      }
      Schemas.assertValid("attribution-record.schema.json", record);
      explained++;
      JsonNode expected = predictedCase(reference, record.get("event_id").asText());
      assertThat(record.get("target").asInt()).isEqualTo(expected.get("target").asInt());
      DenseArray want =
          JsonArrays.read(
              expected
                  .get("attributions")
                  .get("gauss_legendre")
                  .get("64")
                  .get("attributions")
                  .get("features"));
      DenseArray got = JsonArrays.read(record.get("attributions").get("features"));
      double scale = 0;
      for (double v : want.values()) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < want.size(); i++) {
        assertThat(got.values()[i]).isCloseTo(want.values()[i], within(1e-4 * scale));
      }
      assertThat(record.get("feature_attributions").size()).isEqualTo(30);
      assertThat(record.get("top_features")).hasSize(5);
    }
    assertThat(explained).isEqualTo(reference.get("events").size());
    assertThat(result.err).contains(explained + " explained, 5 failed");
  }

  @Test
  void explainsTheThirdPartyModelAndDrawsHeatmaps() throws IOException {
    Path model = Fixtures.fashionMnist();
    JsonNode reference = Fixtures.reference("fashion_mnist");
    Path events = temp.resolve("fashion.jsonl");
    List<String> lines = new ArrayList<>();
    reference.get("events").forEach(e -> lines.add(e.toString()));
    Files.write(events, lines);
    Path out = temp.resolve("fashion-out.jsonl");
    Path png = temp.resolve("png");

    Result result = explain(model, events, out, "--png", png.toString());

    assertThat(result.exitCode).as(result.err).isZero();
    List<String> written = Files.readAllLines(out);
    assertThat(written).hasSize(lines.size());
    for (String line : written) {
      JsonNode record = JSON.readTree(line);
      Schemas.assertValid("attribution-record.schema.json", record);
      assertThat(record.get("attributions").get("conv2d_input")).hasSize(28);
      assertThat(record.get("steps").asInt()).isEqualTo(50);
    }
    try (var files = Files.list(png)) {
      assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(lines.size());
    }
  }

  @Test
  void inspectModelExplainsWhyTheRecurrentModelIsRefusedAndAcceptsItsGradientExport() {
    Result refused =
        run(
            "inspect-model",
            "--model-dir",
            Fixtures.root().resolve("models/digits_gru/1").toString());
    assertThat(refused.exitCode).isEqualTo(1);
    assertThat(refused.out)
        .contains("Load check: refused")
        .contains("While")
        .contains("gradient signature");

    Result accepted =
        run(
            "inspect-model",
            "--model-dir",
            Fixtures.root().resolve("models/digits_gru_gradsig/1").toString());
    assertThat(accepted.exitCode).as(accepted.out).isZero();
    assertThat(accepted.out)
        .contains("Gradient route: gradient_signature")
        .contains("Load check: explainable");
  }

  @Test
  void inspectModelSuggestsALayerForTokenInputs() throws IOException {
    Result result =
        run(
            "inspect-model",
            "--json",
            "--model-dir",
            Fixtures.root().resolve("models/text_sentiment/1").toString());
    JsonNode report = JSON.readTree(result.out);
    assertThat(report.get("embedding_lookups").toString()).contains("token_embedding");
    assertThat(report.get("suggested_config").get("inputs").get("tokens").get("layer").asText())
        .contains("token_embedding");
    // The node the layer-input reference attributes to (its input 0, the pooled embedding).
    JsonNode hidden = null;
    for (JsonNode node : report.get("layer_nodes")) {
      if (node.get("node").asText().equals("functional_5_1/hidden_1/MatMul")) {
        hidden = node;
      }
    }
    assertThat(hidden).as(report.get("layer_nodes").toString()).isNotNull();
    assertThat(hidden.get("op").asText()).isEqualTo("MatMul");
    assertThat(hidden.get("inputs").asInt()).isEqualTo(2);
  }

  @Test
  void guidedIgThroughTheModelConfigMatchesItsPythonReference() throws IOException {
    explainedLikeThePathReference(
        "guided_ig",
        "\"steps\":20,\"guided\":{\"fraction\":0.25,\"anchors\":2,\"max_dist\":1.0}",
        "references/guided/digits_cnn.json",
        candidate ->
            candidate.get("anchors").asInt() == 2 && candidate.get("max_dist").asDouble() == 1.0);
  }

  @Test
  void blurIgThroughTheModelConfigMatchesItsPythonReference() throws IOException {
    List<JsonNode> variants =
        explainedLikeThePathReference(
            "blur_ig",
            "\"steps\":16,\"blur\":{\"max_sigma\":4,\"grad_step\":0.05,\"schedule\":\"sqrt\"}",
            "references/blur/digits_cnn.json",
            candidate -> candidate.get("schedule").asText().equals("sqrt"));
    assertThat(variants).allSatisfy(v -> assertThat(v.get("max_sigma").asDouble()).isEqualTo(4.0));
  }

  /**
   * Explains digits_cnn's reference events with a path method chosen by the model config and
   * compares every pixel with the Python reference's variant that {@code pick} selects; returns the
   * variants compared.
   */
  private List<JsonNode> explainedLikeThePathReference(
      String method,
      String settings,
      String referenceFile,
      java.util.function.Predicate<JsonNode> pick)
      throws IOException {
    JsonNode reference = Fixtures.read(Fixtures.root().resolve(referenceFile));
    List<String> lines = new ArrayList<>();
    for (JsonNode event : Fixtures.reference("digits_cnn").get("events")) {
      lines.add(event.toString());
    }
    Path events = temp.resolve("events.jsonl");
    Files.write(events, lines);
    Path config = temp.resolve("igstream-model.json");
    Files.writeString(
        config,
        "{\"output\":\"output_0\",\"output_kind\":\"vector\",\"method\":\""
            + method
            + "\","
            + settings
            + "}");
    Path out = temp.resolve("out.jsonl");

    Result result =
        explain(
            Fixtures.root().resolve("models/digits_cnn/1"),
            events,
            out,
            "--config",
            config.toString());

    assertThat(result.exitCode).as(result.err).isZero();
    List<String> written = Files.readAllLines(out);
    assertThat(written).hasSize(lines.size());
    List<JsonNode> compared = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      JsonNode record = JSON.readTree(written.get(i));
      Schemas.assertValid("attribution-record.schema.json", record);
      assertThat(record.get("method").asText()).isEqualTo(method);
      JsonNode expected = reference.get("cases").get(i);
      assertThat(record.get("event_id").asText()).isEqualTo(expected.get("event_id").asText());
      JsonNode variant = null;
      for (JsonNode candidate : expected.get("results")) {
        if (pick.test(candidate)) {
          variant = candidate;
        }
      }
      assertThat(variant).as("reference variant for %s", method).isNotNull();
      compared.add(variant);
      double[] want = JsonArrays.read(variant.get("attributions").get("image")).values();
      double[] got = JsonArrays.read(record.get("attributions").get("image")).values();
      double scale = 0;
      for (double v : want) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < want.length; k++) {
        assertThat(got[k]).as("pixel %d", k).isCloseTo(want[k], within(1e-4 * scale));
      }
    }
    return compared;
  }

  @Test
  void targetObjectOnTheCommandLineExplainsAThresholdLikeItsPlainIndex() throws IOException {
    Path events = temp.resolve("one.jsonl");
    Files.writeString(
        events, Fixtures.reference("breast_cancer").get("events").get(0).toString() + "\n");
    List<JsonNode> records = new ArrayList<>();
    for (String target : List.of("0", "{\"index\": 0, \"minus\": 150.0}")) {
      Path out = temp.resolve("out-" + records.size() + ".jsonl");
      Result result =
          explain(
              Fixtures.root().resolve("models/breast_cancer/1"), events, out, "--target", target);
      assertThat(result.exitCode()).as(result.err()).isZero();
      records.add(JSON.readTree(Files.readAllLines(out).get(0)));
    }
    JsonNode plain = records.get(0);
    JsonNode shifted = records.get(1);
    Schemas.assertValid("attribution-record.schema.json", shifted);
    assertThat(shifted.get("attributions")).isEqualTo(plain.get("attributions"));
    assertThat(shifted.get("target").get("kind").asText()).isEqualTo("threshold");
    assertThat(shifted.get("output_at_input").asDouble())
        .isEqualTo(plain.get("output_at_input").asDouble() - 150.0);
  }

  private record Result(int exitCode, String out, String err) {}

  /** {@code explain --model-dir model --input events --output out} and further options. */
  private static Result explain(Path model, Path events, Path out, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "explain",
                "--model-dir",
                model.toString(),
                "--input",
                events.toString(),
                "--output",
                out.toString()));
    args.addAll(List.of(options));
    return run(args.toArray(new String[0]));
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static JsonNode predictedCase(JsonNode reference, String eventId) {
    for (JsonNode testCase : reference.get("cases")) {
      if (testCase.get("event_id").asText().equals(eventId)
          && testCase.get("target_reason").asText().equals("predicted")) {
        return testCase;
      }
    }
    throw new AssertionError("no predicted case for " + eventId);
  }
}
