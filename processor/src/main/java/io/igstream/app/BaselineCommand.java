package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.drift.Baseline;
import io.igstream.drift.BaselineBuilder;
import io.igstream.drift.WindowState;
import io.igstream.event.EventException;
import io.igstream.event.EventParser;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import io.igstream.registry.ModelConfig;
import io.igstream.registry.ModelExplainer;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code igstream baseline}: the skew reference of a model version, from a training sample. */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    description =
        "Explains a training sample with the model's own IG configuration and writes the baseline the stream compares windows with (skew): frozen bins per feature for values and attributions, counts, quantile sketches, attribution means and shares, the prediction histogram, the sample size and the explainer configuration's hash. Deploy it as <root>/<model>/<version>/igstream-baseline.json.")
public final class BaselineCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-dir", required = true, description = "SavedModel directory.")
  Path modelDir;

  @Option(
      names = "--config",
      description =
          "Model config (JSON). Default: igstream-model.json in the model directory or its parent.")
  Path config;

  @Option(
      names = "--data",
      required = true,
      description =
          "Training sample: CSV with a header of feature names (other columns ignored), or JSON lines of prediction events or instances ({\"inputs\": ...} / {\"features\": ...}).")
  Path data;

  @Option(
      names = "--output",
      description = "Baseline file (default: igstream-baseline.json in the model directory).")
  Path output;

  @Option(names = "--limit", description = "Use at most this many rows of the sample.")
  Integer limit;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Events explained together (default 64).")
  int batch;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isReadable(data)) {
      throw new java.nio.file.NoSuchFileException(data.toString());
    }
    Path dir = modelDir.toAbsolutePath().normalize();
    String version = dir.getFileName().toString();
    String model = dir.getParent() == null ? "model" : dir.getParent().getFileName().toString();
    ModelConfig modelConfig;
    ModelExplainer explainer;
    try {
      modelConfig = ConfigOverrides.locate(modelDir, config);
      explainer =
          ModelExplainer.load(
              model, version, modelDir, modelConfig, new ModelLoader(new OpRegistry()));
    } catch (ModelLoadException | IllegalArgumentException e) {
      err.println(
          "igstream baseline: the model at "
              + modelDir
              + " cannot be explained: "
              + e.getMessage());
      err.flush();
      return 2;
    }
    List<PredictionEvent> events;
    try {
      events = read(data, model, version, featureNames(modelConfig));
    } catch (IllegalArgumentException e) {
      explainer.close();
      err.println("igstream baseline: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (limit != null && limit < events.size()) {
      events = events.subList(0, limit);
    }
    BaselineBuilder builder = new BaselineBuilder();
    List<String> failures = new ArrayList<>();
    Progress progress = new Progress(err, events.size());
    try (explainer) {
      for (int from = 0; from < events.size(); from += batch) {
        List<PredictionEvent> chunk = events.subList(from, Math.min(events.size(), from + batch));
        List<Outcome> outcomes = explainer.explain(chunk);
        for (Outcome outcome : outcomes) {
          if (outcome instanceof Outcome.Explained explained && explained.observation() != null) {
            builder.add(explained.observation());
          } else if (outcome instanceof Outcome.Failed failed) {
            failures.add(failed.eventId() + ": " + failed.reason());
          }
        }
        progress.update(from + chunk.size());
      }
      progress.done();
      if (builder.size() == 0) {
        err.println(
            "igstream baseline: no row could be explained; first failure: " + first(failures));
        err.flush();
        return 2;
      }
      WindowState state = builder.build();
      Baseline baseline =
          new Baseline(
              model,
              version,
              Instant.now().toString(),
              data.getFileName().toString(),
              explainer.identity().hash(),
              explainer.identity().config(),
              state);
      Path target = output != null ? output : modelDir.resolve(Baseline.FILE_NAME);
      baseline.write(target);
      err.printf(
          "igstream baseline: %d events explained, %d failed; %d features; wrote %s (baseline %s, explainer %s)%n",
          builder.size(),
          failures.size(),
          state.features().size(),
          target,
          baseline.id(),
          baseline.explainerHash());
      if (!failures.isEmpty()) {
        err.println("igstream baseline: first failure: " + first(failures));
      }
    }
    err.flush();
    return 0;
  }

  private static String first(List<String> failures) {
    return failures.isEmpty() ? "(none)" : failures.get(0);
  }

  private static Set<String> featureNames(ModelConfig config) {
    Set<String> names = new LinkedHashSet<>();
    if (config.inputs() != null) {
      config
          .inputs()
          .values()
          .forEach(
              input -> {
                if (input.featureNames() != null) {
                  names.addAll(input.featureNames());
                }
              });
    }
    return names;
  }

  /** Reads the sample as prediction events: CSV rows by feature name, or JSON lines. */
  static List<PredictionEvent> read(Path file, String model, String version, Set<String> features)
      throws IOException {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".csv")
        ? readCsv(file, model, version, features)
        : readJsonLines(file, model, version);
  }

  private static List<PredictionEvent> readCsv(
      Path file, String model, String version, Set<String> features) throws IOException {
    if (features.isEmpty()) {
      throw new IllegalArgumentException(
          "a CSV sample needs feature names in the model config (inputs.<name>.feature_names); use JSON lines with 'inputs' otherwise");
    }
    Csv.Table table = Csv.read(file);
    Set<String> missing = new LinkedHashSet<>(features);
    table.header().forEach(missing::remove);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          file + " lacks the columns " + missing + " that the model config names");
    }
    List<PredictionEvent> out = new ArrayList<>();
    int row = 0;
    for (Map<String, String> cells : table.rows()) {
      row++;
      Map<String, Double> values = new LinkedHashMap<>();
      for (Map.Entry<String, String> cell : cells.entrySet()) {
        if (features.contains(cell.getKey())) {
          String text = cell.getValue().trim();
          values.put(cell.getKey(), text.isEmpty() ? Double.NaN : parse(text, file, row));
        }
      }
      out.add(
          new PredictionEvent(
              "baseline-" + row, model, version, null, null, values, null, null, null));
    }
    return out;
  }

  private static double parse(String cell, Path file, int row) {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + " row " + row + ": '" + cell + "' is not a number");
    }
  }

  private static List<PredictionEvent> readJsonLines(Path file, String model, String version)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    EventParser parser = new EventParser(json);
    List<PredictionEvent> out = new ArrayList<>();
    int row = 0;
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      row++;
      JsonNode node = json.readTree(line);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalArgumentException(file + " line " + row + " is not a JSON object");
      }
      // Instances need an identity to pass the event parser; the sample's own one is ignored.
      object.put("event_id", "baseline-" + row);
      object.put("model", model);
      object.put("version", version);
      try {
        out.add(parser.parse(object.toString()));
      } catch (EventException e) {
        throw new IllegalArgumentException(file + " line " + row + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** A progress bar on stderr: events done, events/s, ETA. */
  private static final class Progress {
    private final PrintWriter err;
    private final int total;
    private final long started = System.nanoTime();
    private final boolean terminal = System.console() != null;
    private long lastPrinted;
    private int lastDecile = -1;

    Progress(PrintWriter err, int total) {
      this.err = err;
      this.total = Math.max(1, total);
    }

    void update(int done) {
      long now = System.nanoTime();
      double seconds = Math.max(1e-9, (now - started) / 1e9);
      double rate = done / seconds;
      double eta = rate > 0 ? (total - done) / rate : 0;
      int width = 30;
      int filled = (int) ((long) width * done / total);
      String bar =
          String.format(
              java.util.Locale.ROOT,
              "[%s%s] %d/%d events  %.0f events/s  ETA %.0fs",
              "#".repeat(filled),
              ".".repeat(width - filled),
              done,
              total,
              rate,
              eta);
      if (terminal) {
        if (now - lastPrinted > 200_000_000L || done == total) {
          err.print("\r" + bar);
          err.flush();
          lastPrinted = now;
        }
      } else {
        int decile = (int) (10L * done / total);
        if (decile != lastDecile) {
          err.println(bar);
          err.flush();
          lastDecile = decile;
        }
      }
    }

    void done() {
      if (terminal) {
        err.println();
      }
    }
  }
}
