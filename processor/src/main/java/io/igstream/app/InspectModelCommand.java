package io.igstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.registry.ModelConfig;
import io.igstream.registry.ModelSpecs;
import io.igstream.tf.ExplainedModelSpec;
import io.igstream.tf.LayerCandidates;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import io.igstream.tf.SavedModel;
import io.igstream.tf.SignatureSpec;
import io.igstream.tf.TensorSpec;
import io.igstream.tf.TfModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorflow.proto.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code igstream inspect-model}: what a SavedModel offers and whether igstream can explain it. */
@Command(
    name = "inspect-model",
    mixinStandardHelpOptions = true,
    description =
        "Shows a SavedModel's signatures, the gradient route igstream would use, the verdict of the load check (with offending ops), embedding lookups for layer attribution, and a suggested igstream-model.json.")
public final class InspectModelCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-dir", required = true, description = "SavedModel directory.")
  Path modelDir;

  @Option(
      names = "--config",
      description = "Model config to check (default: as `explain` finds it).")
  Path config;

  @Option(names = "--json", description = "Print one JSON document instead of text.")
  boolean asJson;

  @Override
  public Integer call() throws Exception {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode report = json.createObjectNode();
    report.put("model_dir", modelDir.toAbsolutePath().normalize().toString());
    ModelConfig modelConfig = ConfigOverrides.locate(modelDir, config);
    OpRegistry registry = new OpRegistry();
    String route;
    ExplainedModelSpec explained = null;
    String specProblem = null;
    try (SavedModel model = SavedModel.load(modelDir)) {
      ObjectNode signatures = report.putObject("signatures");
      for (SignatureSpec signature : model.signatures().values()) {
        ObjectNode node = signatures.putObject(signature.key());
        ObjectNode inputs = node.putObject("inputs");
        signature.inputs().values().forEach(t -> inputs.put(t.key(), t.describe()));
        ObjectNode outputs = node.putObject("outputs");
        signature.outputs().values().forEach(t -> outputs.put(t.key(), t.describe()));
      }
      List<String> candidates = LayerCandidates.find(model);
      ArrayNode layers = report.putArray("embedding_lookups");
      candidates.forEach(layers::add);
      ArrayNode layerNodes = report.putArray("layer_nodes");
      for (LayerCandidates.LayerNode node : LayerCandidates.layerNodes(model)) {
        layerNodes
            .addObject()
            .put("node", node.node())
            .put("op", node.op())
            .put("inputs", node.inputs());
      }
      String gradientSignature =
          modelConfig.gradientSignature() == null
              ? ExplainedModelSpec.DEFAULT_GRADIENT_SIGNATURE
              : modelConfig.gradientSignature();
      route = model.signatures().containsKey(gradientSignature) ? "gradient_signature" : "graph";
      report.put("gradient_route", route);
      SignatureSpec serving = model.signatures().get(modelConfig.signatureOrDefault());
      if (serving != null) {
        report.set("suggested_config", suggest(json, serving, candidates));
        try {
          explained = ModelSpecs.resolve(serving, modelConfig);
        } catch (RuntimeException e) {
          specProblem = e.getMessage();
        }
      } else {
        specProblem = "no signature '" + modelConfig.signatureOrDefault() + "'";
      }
    }
    ObjectNode verdict = report.putObject("load_check");
    if (explained == null) {
      verdict.put("verdict", "refused").put("reason", specProblem);
    } else {
      try (TfModel model = new ModelLoader(registry).load(modelDir, explained, null)) {
        verdict
            .put("verdict", "explainable")
            .put("route", model.route().externalName())
            .put("output", explained.output());
        ArrayNode attributed = verdict.putArray("attributed");
        model.attributedTensors().forEach(t -> attributed.add(t.name()));
      } catch (RuntimeException e) {
        verdict.put("verdict", "refused").put("reason", e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (asJson) {
      out.println(json.writeValueAsString(report));
    } else {
      printText(out, report, json);
    }
    out.flush();
    return verdict.get("verdict").asText().equals("explainable") ? 0 : 1;
  }

  private static ObjectNode suggest(
      ObjectMapper json, SignatureSpec serving, List<String> candidates) {
    ObjectNode suggestion = json.createObjectNode();
    suggestion.put("signature", serving.key());
    String output =
        serving.outputs().containsKey("logits")
            ? "logits"
            : serving.outputs().keySet().iterator().next();
    suggestion.put("output", output);
    TensorSpec out = serving.outputs().get(output);
    long[] row = out.rowShape();
    boolean single = row.length == 0 || (row.length == 1 && row[0] == 1);
    suggestion.put("output_kind", single ? "scalar" : "vector");
    ObjectNode inputs = suggestion.putObject("inputs");
    for (TensorSpec input : serving.inputs().values()) {
      if (input.dtype() == DataType.DT_FLOAT) {
        inputs.putObject(input.key());
      } else if (!candidates.isEmpty()) {
        String layer =
            candidates.stream()
                .filter(c -> c.toLowerCase().contains(input.key().toLowerCase()))
                .findFirst()
                .orElse(candidates.get(0));
        inputs.putObject(input.key()).put("layer", layer).put("baseline", 0);
      }
    }
    suggestion.put("method", "gauss_legendre");
    suggestion.put("steps", 50);
    suggestion.put("target", single ? "0" : "predicted");
    return suggestion;
  }

  private static void printText(PrintWriter out, ObjectNode report, ObjectMapper json)
      throws Exception {
    out.println("Model: " + report.get("model_dir").asText());
    out.println();
    out.println("Signatures:");
    report
        .get("signatures")
        .fields()
        .forEachRemaining(
            s -> {
              out.println("  " + s.getKey());
              s.getValue()
                  .get("inputs")
                  .fields()
                  .forEachRemaining(
                      i -> out.println("    in  " + i.getKey() + "  " + i.getValue().asText()));
              s.getValue()
                  .get("outputs")
                  .fields()
                  .forEachRemaining(
                      o -> out.println("    out " + o.getKey() + "  " + o.getValue().asText()));
            });
    out.println();
    out.println("Gradient route: " + report.get("gradient_route").asText());
    ObjectNode verdict = (ObjectNode) report.get("load_check");
    out.println("Load check: " + verdict.get("verdict").asText());
    if (verdict.has("reason")) {
      out.println("  reason: " + verdict.get("reason").asText());
    }
    if (verdict.has("attributed")) {
      out.println(
          "  explains output '"
              + verdict.get("output").asText()
              + "' w.r.t. "
              + verdict.get("attributed"));
    }
    if (!report.get("embedding_lookups").isEmpty()) {
      out.println();
      out.println("Embedding lookups (for layer attribution):");
      report.get("embedding_lookups").forEach(n -> out.println("  " + n.asText()));
    }
    if (!report.get("layer_nodes").isEmpty()) {
      out.println();
      out.println(
          "Layer nodes (\"layer\": a node's output; with \"layer_side\": \"input\", its data"
              + " input \"layer_input_index\" 0.."
              + "inputs-1):");
      report
          .get("layer_nodes")
          .forEach(
              n ->
                  out.printf(
                      Locale.ROOT,
                      "  %-60s %-22s inputs=%d%n",
                      n.get("node").asText(),
                      n.get("op").asText(),
                      n.get("inputs").asInt()));
      if (report.get("layer_nodes").size() == LayerCandidates.MAX_LAYER_NODES) {
        out.println("  (first " + LayerCandidates.MAX_LAYER_NODES + " only; see --json)");
      }
    }
    if (report.has("suggested_config")) {
      out.println();
      out.println("Suggested " + ModelConfig.FILE_NAME + ":");
      out.println(json.writeValueAsString(report.get("suggested_config")));
    }
  }
}
