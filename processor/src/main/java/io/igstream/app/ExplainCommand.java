package io.igstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.EventException;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.igstream.event.Records;
import io.igstream.registry.ModelConfig;
import io.igstream.registry.ModelExplainer;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code igstream explain}: attributions for a file of prediction events, one line per event. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Explains prediction events (JSON lines) with Integrated Gradients. Writes one line per event, in order: an attribution record, or an error record {\"event_id\", \"error\": {\"stage\", \"reason\"}} for an event that cannot be explained.")
public final class ExplainCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-dir", required = true, description = "SavedModel directory.")
  Path modelDir;

  @Option(
      names = "--config",
      description =
          "Model config (JSON). Default: igstream-model.json in the model directory or its parent.")
  Path config;

  @Option(
      names = "--input",
      required = true,
      description = "Events, one JSON object per line; - for stdin.")
  String input;

  @Option(names = "--output", description = "Where to write records (default: stdout).")
  Path output;

  @Option(names = "--steps", description = "Path points per attribution (default 50).")
  Integer steps;

  @Option(
      names = "--method",
      description =
          "riemann_left, riemann_right, riemann_middle, trapezoid, gauss_legendre (default),"
              + " guided_ig or blur_ig (their settings come from the config's \"guided\" or"
              + " \"blur\").")
  String method;

  @Option(
      names = "--target",
      description =
          "Output index, 'predicted' (default), top-K, or a JSON target object such as"
              + " '{\"contrast\": [3, \"runner_up\"]}'.")
  String target;

  @Option(names = "--baseline", description = "Scalar baseline for every attributed input.")
  Double baseline;

  @Option(
      names = "--error-target",
      description = "Raise steps per event until |delta| / |F(x) - F(b)| is under this.")
  Double errorTarget;

  @Option(names = "--max-steps", description = "Upper bound for --error-target (default 800).")
  Integer maxSteps;

  @Option(
      names = "--png",
      description = "Write a heatmap overlay PNG per event and image input here.")
  Path pngDir;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Events explained together (default 64).")
  int batch;

  @Override
  public Integer call() throws IOException {
    if (!input.equals("-") && !Files.isReadable(Path.of(input))) {
      throw new java.nio.file.NoSuchFileException(input);
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("steps", steps);
    overrides.put("method", method);
    // A target object comes as JSON text; it must reach the config as an object, not a string.
    overrides.put(
        "target", target != null && target.trim().startsWith("{") ? json.readTree(target) : target);
    overrides.put("baseline", baseline);
    overrides.put("error_target", errorTarget);
    overrides.put("max_steps", maxSteps);
    ModelConfig modelConfig;
    ModelExplainer explainer;
    try {
      modelConfig = ConfigOverrides.apply(ConfigOverrides.locate(modelDir, config), overrides);
      explainer =
          ModelExplainer.load(
              "cli", "cli", modelDir, modelConfig, new ModelLoader(new OpRegistry()));
    } catch (ModelLoadException | IllegalArgumentException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "igstream explain: the model at " + modelDir + " cannot be explained: " + e.getMessage());
      err.flush();
      return 2;
    }
    EventParser parser = new EventParser(json);
    HeatmapWriter heatmaps = pngDir == null ? null : new HeatmapWriter(pngDir);
    int explained = 0;
    int failed = 0;
    List<String> missedTarget = new ArrayList<>();
    try (explainer;
        BufferedReader reader = open(input);
        Writer writer =
            output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output)) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        lines.add(line);
        if (lines.size() == batch) {
          int[] counts = process(lines, parser, explainer, json, writer, heatmaps, missedTarget);
          explained += counts[0];
          failed += counts[1];
          lines.clear();
        }
      }
      int[] counts = process(lines, parser, explainer, json, writer, heatmaps, missedTarget);
      explained += counts[0];
      failed += counts[1];
    }
    PrintWriter err = spec.commandLine().getErr();
    err.printf("igstream explain: %d explained, %d failed%n", explained, failed);
    if (!missedTarget.isEmpty()) {
      err.printf(
          "igstream explain: %d missed the error target within --max-steps: %s%n",
          missedTarget.size(),
          String.join(", ", missedTarget.subList(0, Math.min(20, missedTarget.size())))
              + (missedTarget.size() > 20 ? ", ..." : ""));
    }
    err.flush();
    return 0;
  }

  private static int[] process(
      List<String> lines,
      EventParser parser,
      ModelExplainer explainer,
      ObjectMapper json,
      Writer writer,
      HeatmapWriter heatmaps,
      List<String> missedTarget)
      throws IOException {
    Outcome[] outcomes = new Outcome[lines.size()];
    List<PredictionEvent> events = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      try {
        events.add(parser.parse(lines.get(i)));
        positions.add(i);
      } catch (EventException e) {
        outcomes[i] =
            new Outcome.Failed(
                parser.bestEffortId(lines.get(i)), null, null, e.stage(), e.getMessage());
      }
    }
    List<Outcome> explained = explainer.explain(events);
    for (int j = 0; j < explained.size(); j++) {
      outcomes[positions.get(j)] = explained.get(j);
      if (heatmaps != null && explained.get(j) instanceof Outcome.Explained ok) {
        try {
          heatmaps.write(events.get(j), ok.record());
        } catch (RuntimeException e) {
          // A picture is a convenience: its failure must not stop the records.
          System.err.println(
              "igstream explain: no heatmap for " + ok.eventId() + ": " + e.getMessage());
        }
      }
    }
    int[] counts = new int[2];
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Explained ok) {
        writer.write(json.writeValueAsString(ok.record()));
        counts[0]++;
        if (ok.record().has("error_target_met")
            && !ok.record().get("error_target_met").asBoolean()) {
          missedTarget.add(ok.eventId());
        }
      } else {
        writer.write(json.writeValueAsString(Records.error((Outcome.Failed) outcome)));
        counts[1]++;
      }
      writer.write('\n');
    }
    writer.flush();
    return counts;
  }

  private static BufferedReader open(String input) throws IOException {
    if (input.equals("-")) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    return Files.newBufferedReader(Path.of(input));
  }
}
