package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.JsonArrays;
import io.igstream.ig.AttributedTensor;
import io.igstream.ig.DenseArray;
import io.igstream.ig.Evaluation;
import io.igstream.ig.ExplainRequest;
import io.igstream.ig.GradientRequest;
import io.igstream.ig.IgOptions;
import io.igstream.ig.IntegratedGradients;
import io.igstream.ig.OutputKind;
import io.igstream.ig.QuadratureRule;
import io.igstream.ig.TargetSpec;
import io.igstream.registry.ModelConfig;
import io.igstream.registry.ModelSpecs;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import io.igstream.tf.SavedModel;
import io.igstream.tf.SessionSettings;
import io.igstream.tf.TfModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code igstream benchmark}: throughput of raw gradient runs against IG through the engine, and
 * against explaining one event at a time, on the fixture models. Prints figures; asserts nothing.
 */
@Command(
    name = "benchmark",
    mixinStandardHelpOptions = true,
    description =
        "Measures, per fixture model: raw gradient rows/s at the best rows-per-run, IG attributions/s through the engine at 50 steps, their ratio, the fixed cost of a TensorFlow run with runs on the calling thread and in TensorFlow's pool (with the ratio in that mode), and the speed-up over one event at a time.")
public final class BenchmarkCommand implements Callable<Integer> {

  private static final int[] ROWS_PER_RUN = {50, 100, 200, 400, 800};
  private static final int STEPS = 50;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--fixtures",
      description = "The fixture zoo (default: fixtures/ of this checkout).")
  Path fixtures;

  @Option(
      names = "--models",
      split = ",",
      description = "Models to measure (default: all explainable).")
  List<String> models;

  @Option(
      names = "--seconds",
      defaultValue = "2",
      description = "Time per measurement (default 2).")
  double seconds;

  @Option(
      names = "--intra-op-threads",
      defaultValue = "0",
      description =
          "TensorFlow threads inside one op for the model benchmark (default 0: TensorFlow chooses).")
  int intraOpThreads;

  @Option(
      names = "--inter-op-threads",
      defaultValue = "0",
      description =
          "TensorFlow's inter-op pool size for the model benchmark (default 0: TensorFlow chooses).")
  int interOpThreads;

  @Option(
      names = "--stream",
      description =
          "Instead: end-to-end attributions/s through Kafka (a child broker) with drift summaries off and on, and their ratio.")
  boolean stream;

  @Option(
      names = "--events",
      defaultValue = "20000",
      description = "Events per end-to-end run with --stream (default 20000).")
  int events;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      description = "Runs per mode with --stream, alternating off and on (default 2).")
  int rounds;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description =
          "With --stream and N > 1: compare 1 instance with N instances sharing the work (summaries on) instead of summaries off and on.")
  int instances;

  @Option(
      names = "--live-view",
      description =
          "With --stream: compare the live view off with the view on and one client reading its event stream (summaries on in both) instead of summaries off and on.")
  boolean liveView;

  @Override
  public Integer call() throws Exception {
    Path root =
        fixtures != null
            ? fixtures
            : Path.of(System.getProperty("igstream.home", ".")).resolve("fixtures");
    PrintWriter out = spec.commandLine().getOut();
    if (stream) {
      StreamBenchmark benchmark = new StreamBenchmark(root, out);
      if (liveView) {
        return benchmark.run(
            events,
            rounds,
            new StreamBenchmark.Variant("view off", true, 1, false),
            new StreamBenchmark.Variant("view on+client", true, 1, true));
      }
      return instances > 1
          ? benchmark.run(
              events,
              rounds,
              new StreamBenchmark.Variant("1 instance", true, 1),
              new StreamBenchmark.Variant(instances + " instances", true, instances))
          : benchmark.run(
              events,
              rounds,
              new StreamBenchmark.Variant("summaries off", false, 1),
              new StreamBenchmark.Variant("summaries on", true, 1));
    }
    out.printf(
        Locale.ROOT,
        "%-20s %9s %12s %14s %8s %10s %10s %8s %14s %9s%n",
        "model",
        "best rows",
        "grad rows/s",
        "IG attr/s @50",
        "ratio",
        "run us",
        "pool us",
        "pool ratio",
        "1-at-a-time/s",
        "speed-up");
    OpRegistry registry = new OpRegistry();
    for (String name : modelNames(root)) {
      JsonNode reference =
          new ObjectMapper().readTree(root.resolve("references/" + name + ".json").toFile());
      Path dir = root.getParent().resolve(reference.get("model_dir").asText()).normalize();
      if (!Files.isDirectory(dir)) {
        out.printf("%-20s skipped: %s is not here%n", name, dir);
        continue;
      }
      Path configFile = dir.getParent().resolve(ModelConfig.FILE_NAME);
      ModelConfig config =
          Files.isRegularFile(configFile) ? ModelConfig.read(configFile) : ModelConfig.defaults();
      // The same model twice: runs on the calling thread (the default) and, for comparison, in
      // TensorFlow's inter-op pool (TensorFlow's own default).
      SessionSettings settings =
          new SessionSettings("", true, 0, false, intraOpThreads, interOpThreads, true);
      try (TfModel model = loadQuietly(registry, dir, config, settings);
          TfModel pooled =
              loadQuietly(registry, dir, config, settings.withCallerThreadRuns(false))) {
        if (model == null || pooled == null) {
          out.printf("%-20s refused by the load check (see inspect-model)%n", name);
          continue;
        }
        out.println(measure(name, model, pooled, config, events(reference)));
        out.flush();
      }
    }
    return 0;
  }

  private static TfModel loadQuietly(
      OpRegistry registry, Path dir, ModelConfig config, SessionSettings settings) {
    try (SavedModel probe = SavedModel.load(dir)) {
      var spec = ModelSpecs.resolve(probe.signature(config.signatureOrDefault()), config);
      return new ModelLoader(registry, settings).load(dir, spec, null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String measure(
      String name,
      TfModel model,
      TfModel pooled,
      ModelConfig config,
      List<Map<String, DenseArray>> samples) {
    // Raw gradient runs: the ceiling the engine should approach.
    Evaluation at = model.evaluate(List.of(samples.get(0))).get(0);
    int bestRows = 0;
    double bestRate = 0;
    for (int rows : ROWS_PER_RUN) {
      GradientRequest request = rawRequest(model, at, samples.get(0), rows);
      model.gradients(request); // warm-up
      double rate = rows * runsPerSecond(() -> model.gradients(request), seconds);
      if (rate > bestRate) {
        bestRate = rate;
        bestRows = rows;
      }
    }
    OutputKind kind =
        config.outputKind() != null
            ? OutputKind.fromExternalName(config.outputKind())
            : model.outputSize() == 1 ? OutputKind.SCALAR : OutputKind.VECTOR;
    IgOptions options =
        IgOptions.defaults()
            .withRule(QuadratureRule.GAUSS_LEGENDRE, STEPS)
            .withMaxRowsPerRun(bestRows);
    List<ExplainRequest> requests = new ArrayList<>();
    int events = Math.max(8, 4 * bestRows / STEPS);
    for (int i = 0; i < events; i++) {
      Map<String, DenseArray> instance = samples.get(i % samples.size());
      Map<String, DenseArray> baseline = new LinkedHashMap<>(instance);
      for (AttributedTensor tensor : model.attributedTensors()) {
        baseline.put(tensor.name(), DenseArray.filled(instance.get(tensor.name()).shape(), 0));
      }
      requests.add(
          new ExplainRequest("bench-" + i, instance, TargetSpec.PREDICTED, List.of(baseline)));
    }
    // Both run modes, measured in alternating slices so that machine noise hits them alike.
    Modes modes = new Modes(model, pooled, at, samples.get(0), bestRows, kind, options, requests);
    modes.measure(seconds);
    IntegratedGradients single =
        new IntegratedGradients(model, kind, options.withMaxRowsPerRun(STEPS));
    double singleRate =
        runsPerSecond(
                () -> {
                  for (ExplainRequest request : requests.subList(0, 4)) {
                    single.explain(List.of(request));
                  }
                },
                seconds)
            * 4;
    return String.format(
        Locale.ROOT,
        "%-20s %9d %12.0f %14.1f %8.2f %10.1f %10.1f %8.2f %14.1f %8.1fx",
        name,
        bestRows,
        modes.rawRate(true),
        modes.igRate(true),
        modes.ratio(true),
        modes.runMicros(true),
        modes.runMicros(false),
        modes.ratio(false),
        singleRate,
        modes.igRate(true) / singleRate);
  }

  /**
   * Raw gradient rows/s at the best rows-per-run, IG attributions/s and the time of a one-row run
   * (the fixed cost of a run), with runs on the calling thread and in TensorFlow's pool.
   */
  private static final class Modes {
    private static final int SLICES = 5;
    private final TfModel[] models;
    private final GradientRequest[] raw;
    private final GradientRequest[] oneRow;
    private final IntegratedGradients[] engines;
    private final List<ExplainRequest> requests;
    private final int rows;
    private final double[][] rawRates = new double[2][SLICES];
    private final double[][] igRates = new double[2][SLICES];
    private final double[][] runMicros = new double[2][SLICES];

    Modes(
        TfModel caller,
        TfModel pooled,
        Evaluation at,
        Map<String, DenseArray> instance,
        int rows,
        OutputKind kind,
        IgOptions options,
        List<ExplainRequest> requests) {
      this.models = new TfModel[] {pooled, caller};
      this.rows = rows;
      this.requests = requests;
      this.raw = new GradientRequest[2];
      this.oneRow = new GradientRequest[2];
      this.engines = new IntegratedGradients[2];
      for (int m = 0; m < 2; m++) {
        raw[m] = rawRequest(models[m], at, instance, rows);
        oneRow[m] = rawRequest(models[m], at, instance, 1);
        engines[m] = new IntegratedGradients(models[m], kind, options);
        engines[m].explain(requests);
      }
    }

    void measure(double seconds) {
      double slice = seconds / SLICES;
      for (int s = 0; s < SLICES; s++) {
        for (int m = 0; m < 2; m++) {
          TfModel model = models[m];
          GradientRequest request = raw[m];
          GradientRequest one = oneRow[m];
          IntegratedGradients engine = engines[m];
          rawRates[m][s] = rows * runsPerSecond(() -> model.gradients(request), slice);
          runMicros[m][s] = 1e6 / runsPerSecond(() -> model.gradients(one), slice / 2);
          igRates[m][s] = requests.size() * runsPerSecond(() -> engine.explain(requests), slice);
        }
      }
    }

    double rawRate(boolean callerThread) {
      return median(rawRates[callerThread ? 1 : 0]);
    }

    double igRate(boolean callerThread) {
      return median(igRates[callerThread ? 1 : 0]);
    }

    /** IG attributions x steps over raw gradient rows, both per second, in one run mode. */
    double ratio(boolean callerThread) {
      return igRate(callerThread) * STEPS / rawRate(callerThread);
    }

    double runMicros(boolean callerThread) {
      return median(runMicros[callerThread ? 1 : 0]);
    }

    private static double median(double[] values) {
      double[] sorted = values.clone();
      java.util.Arrays.sort(sorted);
      return sorted[sorted.length / 2];
    }
  }

  private static GradientRequest rawRequest(
      TfModel model, Evaluation at, Map<String, DenseArray> instance, int rows) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (AttributedTensor tensor : model.attributedTensors()) {
      double[] point = at.attributedValues().get(tensor.name()).values();
      float[] flat = new float[rows * tensor.size()];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < point.length; i++) {
          flat[r * point.length + i] = (float) (point[i] * (r + 1) / rows);
        }
      }
      values.put(tensor.name(), flat);
    }
    float[] upstream = new float[rows * model.outputSize()];
    for (int r = 0; r < rows; r++) {
      upstream[r * model.outputSize()] = 1;
    }
    List<Map<String, DenseArray>> context = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      context.add(instance);
    }
    return new GradientRequest(rows, context, values, upstream);
  }

  private static double runsPerSecond(Runnable run, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = System.nanoTime();
    int runs = 0;
    do {
      run.run();
      runs++;
    } while (System.nanoTime() < deadline);
    return runs / ((System.nanoTime() - start) / 1e9);
  }

  private List<String> modelNames(Path root) throws Exception {
    if (models != null && !models.isEmpty()) {
      return models;
    }
    List<String> names = new ArrayList<>();
    try (var files = Files.list(root.resolve("references"))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5))
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  private static List<Map<String, DenseArray>> events(JsonNode reference) {
    List<Map<String, DenseArray>> out = new ArrayList<>();
    for (JsonNode event : reference.get("events")) {
      Map<String, DenseArray> inputs = new LinkedHashMap<>();
      event
          .get("inputs")
          .fields()
          .forEachRemaining(e -> inputs.put(e.getKey(), JsonArrays.read(e.getValue())));
      out.add(inputs);
    }
    return out;
  }
}
