package io.igstream.ig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The IG engine: explains a batch of events on one {@link DifferentiableModel}.
 *
 * <p>Every event contributes paths (one per target, baseline and noise sample); the points of all
 * paths are streamed through the model in runs of at most {@code maxRowsPerRun} rows, and each path
 * keeps a running weighted sum of its gradients, so memory is bounded by one run. The sum of a path
 * is accumulated in the order of its points whatever the chunking, so an event's result does not
 * depend on which events share its batch.
 */
public final class IntegratedGradients implements ExplainMethod {

  private final DifferentiableModel model;
  private final OutputKind outputKind;
  private final IgOptions options;
  private final List<AttributedTensor> tensors;

  public IntegratedGradients(DifferentiableModel model, OutputKind outputKind, IgOptions options) {
    this.model = model;
    this.outputKind = outputKind;
    this.options = options;
    this.tensors = model.attributedTensors();
  }

  public IgOptions options() {
    return options;
  }

  // Gauss-Legendre nodes cost a Newton solve per call; an engine reuses them for every batch.
  private final Map<Integer, Quadrature> quadratures =
      new java.util.concurrent.ConcurrentHashMap<>();

  private Quadrature quadrature(int steps) {
    return quadratures.computeIfAbsent(steps, options.rule()::points);
  }

  @Override
  public List<List<Attribution>> explain(List<ExplainRequest> requests) {
    List<GradientRuns.Evaluated> evaluated =
        GradientRuns.evaluateRequests(model, requests, options.maxRowsPerRun());
    List<Job> jobs = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      ExplainRequest request = requests.get(r);
      GradientRuns.Evaluated at = evaluated.get(r);
      for (ResolvedTarget target :
          Targets.resolve(outputKind, at.atInput().output(), request.target())) {
        jobs.add(new Job(r, request, at.atInput(), at.atBaselines(), target));
      }
    }

    List<Job> pending = jobs;
    int steps = options.steps();
    while (true) {
      integrate(pending, quadrature(steps));
      for (Job job : pending) {
        job.finish(steps);
      }
      if (options.errorTarget() == null || steps * 2 > options.maxSteps()) {
        break;
      }
      List<Job> missed = new ArrayList<>();
      for (Job job : pending) {
        if (!job.meetsErrorTarget()) {
          missed.add(job);
        }
      }
      if (missed.isEmpty()) {
        break;
      }
      pending = missed;
      steps *= 2;
    }

    List<List<Attribution>> results = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      results.add(new ArrayList<>());
    }
    for (Job job : jobs) {
      results.get(job.requestIndex).add(job.result());
    }
    return results;
  }

  /** Streams every point of every path of the jobs through the model, chunked. */
  private void integrate(List<Job> jobs, Quadrature quadrature) {
    List<Path> paths = new ArrayList<>();
    for (Job job : jobs) {
      job.startPaths();
      paths.addAll(job.paths);
    }
    Chunk chunk = new Chunk(options.maxRowsPerRun(), quadrature);
    for (Path path : paths) {
      int k = 0;
      while (k < quadrature.size()) {
        k = chunk.add(path, k);
        if (chunk.isFull()) {
          chunk.run();
        }
      }
    }
    chunk.run();
  }

  /**
   * Rows waiting for one model run, laid out as segments: consecutive points of one path. Arrays
   * are indexed by attributed tensor, not by name. The loops run per segment and element, not per
   * row through maps: on models whose run takes tens of microseconds, per-row bookkeeping was a
   * third of an explanation's time.
   */
  private final class Chunk {
    private final int capacity;
    private final double[] alphas;
    private final double[] weights;
    private final float[][] values;
    private final float[] upstream;
    private final List<Segment> segments = new ArrayList<>();
    private boolean outputDependent;
    private int rows;

    /**
     * Points {@code from} (inclusive) to {@code to} (exclusive) of a path, from chunk row {@code
     * row}.
     */
    private record Segment(Path path, int from, int to, int row) {}

    Chunk(int capacity, Quadrature quadrature) {
      this.capacity = capacity;
      this.alphas = quadrature.alphas();
      this.weights = quadrature.weights();
      this.values = new float[tensors.size()][];
      for (int t = 0; t < tensors.size(); t++) {
        values[t] = new float[capacity * tensors.get(t).size()];
      }
      upstream = new float[capacity * model.outputSize()];
    }

    boolean isFull() {
      return rows == capacity;
    }

    /** Adds the path's points from {@code from} while there is room; returns the next point. */
    int add(Path path, int from) {
      int to = Math.min(alphas.length, from + capacity - rows);
      for (int t = 0; t < values.length; t++) {
        double[] start = path.from[t];
        double[] delta = path.delta[t];
        float[] target = values[t];
        int size = start.length;
        int offset = rows * size;
        for (int k = from; k < to; k++) {
          double alpha = alphas[k];
          for (int i = 0; i < size; i++) {
            target[offset + i] = (float) (start[i] + alpha * delta[i]);
          }
          offset += size;
        }
      }
      // A softmax target's upstream depends on the output at this point: run() fills it in.
      if (path.job.target.dependsOnOutput()) {
        outputDependent = true;
      } else {
        double[] up = path.job.target.upstream();
        int offset = rows * up.length;
        for (int k = from; k < to; k++) {
          for (int j = 0; j < up.length; j++) {
            upstream[offset + j] = (float) up[j];
          }
          offset += up.length;
        }
      }
      segments.add(new Segment(path, from, to, rows));
      rows += to - from;
      return to;
    }

    void run() {
      if (rows == 0) {
        return;
      }
      Map<String, float[]> feed = new LinkedHashMap<>();
      for (int t = 0; t < values.length; t++) {
        feed.put(
            tensors.get(t).name(),
            rows == capacity ? values[t] : Arrays.copyOf(values[t], rows * tensors.get(t).size()));
      }
      List<Map<String, DenseArray>> context = new RowContexts(List.copyOf(segments), rows);
      float[] up = rows == capacity ? upstream : Arrays.copyOf(upstream, rows * model.outputSize());
      if (outputDependent) {
        fillOutputDependentUpstream(context, feed, up);
      }
      GradientBatch batch = model.gradients(new GradientRequest(rows, context, feed, up));
      for (int t = 0; t < values.length; t++) {
        float[] gradient = batch.gradients().get(tensors.get(t).name());
        for (Segment segment : segments) {
          double[] sum = segment.path.sums[t];
          int size = sum.length;
          int offset = segment.row * size;
          for (int k = segment.from; k < segment.to; k++) {
            double weight = weights[k];
            for (int i = 0; i < size; i++) {
              sum[i] += weight * gradient[offset + i];
            }
            offset += size;
          }
        }
      }
      segments.clear();
      rows = 0;
      outputDependent = false;
    }

    /**
     * One extra run at the same points gives the outputs there; the gradient of a softmax target
     * with respect to the output is then computed per row and fed as that row's upstream.
     */
    private void fillOutputDependentUpstream(
        List<Map<String, DenseArray>> context, Map<String, float[]> feed, float[] up) {
      int outputs = model.outputSize();
      float[] atPoints = model.gradients(new GradientRequest(rows, context, feed, up)).outputs();
      for (Segment segment : segments) {
        ResolvedTarget target = segment.path.job.target;
        if (!target.dependsOnOutput()) {
          continue;
        }
        for (int row = segment.row; row < segment.row + segment.to - segment.from; row++) {
          double[] output = new double[outputs];
          for (int j = 0; j < outputs; j++) {
            output[j] = atPoints[row * outputs + j];
          }
          double[] rowUpstream = target.upstreamAt(output);
          for (int j = 0; j < outputs; j++) {
            up[row * outputs + j] = (float) rowUpstream[j];
          }
        }
      }
    }
  }

  /**
   * The instance each row's other inputs come from, read through the segments: most models read
   * none (every input attributed), so no per-row list is built.
   */
  private static final class RowContexts extends java.util.AbstractList<Map<String, DenseArray>> {
    private final List<Chunk.Segment> segments;
    private final int rows;

    RowContexts(List<Chunk.Segment> segments, int rows) {
      this.segments = segments;
      this.rows = rows;
    }

    @Override
    public Map<String, DenseArray> get(int row) {
      java.util.Objects.checkIndex(row, rows);
      int low = 0;
      int high = segments.size() - 1;
      while (low < high) {
        int middle = (low + high + 1) >>> 1;
        if (segments.get(middle).row() <= row) {
          low = middle;
        } else {
          high = middle - 1;
        }
      }
      return segments.get(low).path().job.request.inputs();
    }

    @Override
    public int size() {
      return rows;
    }
  }

  /** One straight path from a baseline to (a noisy copy of) the input, and its running sums. */
  private final class Path {
    final Job job;
    final double[][] from;
    final double[][] to;
    final double[][] delta;
    final double[][] sums;

    Path(Job job, Map<String, DenseArray> start, Map<String, DenseArray> end) {
      this.job = job;
      this.from = new double[tensors.size()][];
      this.to = new double[tensors.size()][];
      this.delta = new double[tensors.size()][];
      this.sums = new double[tensors.size()][];
      for (int t = 0; t < tensors.size(); t++) {
        String name = tensors.get(t).name();
        from[t] = start.get(name).values();
        to[t] = end.get(name).values();
        delta[t] = new double[from[t].length];
        for (int i = 0; i < delta[t].length; i++) {
          delta[t][i] = to[t][i] - from[t][i];
        }
        sums[t] = new double[from[t].length];
      }
    }

    /** IG of this path per tensor: (end - start) x the weighted gradient sum, or the sum alone. */
    double[][] attributions(boolean multiplyByInputs) {
      double[][] out = new double[sums.length][];
      for (int t = 0; t < sums.length; t++) {
        double[] sum = sums[t];
        out[t] = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
          out[t][i] = multiplyByInputs ? (to[t][i] - from[t][i]) * sum[i] : sum[i];
        }
      }
      return out;
    }
  }

  /** One (event, target): its paths over baselines and noise samples, and its result. */
  private final class Job {
    final int requestIndex;
    final ExplainRequest request;
    final Evaluation atInput;
    final List<Evaluation> atBaselines;
    final ResolvedTarget target;
    List<Path> paths = List.of();
    Attribution result;

    Job(
        int requestIndex,
        ExplainRequest request,
        Evaluation atInput,
        List<Evaluation> atBaselines,
        ResolvedTarget target) {
      this.requestIndex = requestIndex;
      this.request = request;
      this.atInput = atInput;
      this.atBaselines = atBaselines;
      this.target = target;
    }

    void startPaths() {
      List<Path> created = new ArrayList<>();
      Smoothing smoothing = options.smoothing();
      // Seeded by the event id and target, never by batch position.
      Random random =
          new Random(
              smoothing.seed() * 31
                  + request.id().hashCode() * 17L
                  + String.valueOf(target.index()).hashCode());
      for (int s = 0; s < smoothing.samples(); s++) {
        Map<String, DenseArray> end =
            smoothing.variant() == Smoothing.Variant.NONE
                ? atInput.attributedValues()
                : noisy(atInput.attributedValues(), smoothing.sigma(), random);
        for (Evaluation baseline : atBaselines) {
          created.add(new Path(this, baseline.attributedValues(), end));
        }
      }
      paths = created;
    }

    void finish(int steps) {
      Smoothing smoothing = options.smoothing();
      if (smoothing.variant() == Smoothing.Variant.NONE && smoothing.samples() == 1) {
        finishUnsmoothed(steps);
        return;
      }
      int baselines = atBaselines.size();
      Map<String, double[]> mean = new LinkedHashMap<>();
      Map<String, double[]> meanSquare = new LinkedHashMap<>();
      for (AttributedTensor tensor : tensors) {
        mean.put(tensor.name(), new double[tensor.size()]);
        meanSquare.put(tensor.name(), new double[tensor.size()]);
      }
      for (int s = 0; s < smoothing.samples(); s++) {
        // Average over baselines first ("expected IG"), then combine noise samples.
        Map<String, double[]> sample = new LinkedHashMap<>();
        for (AttributedTensor tensor : tensors) {
          sample.put(tensor.name(), new double[tensor.size()]);
        }
        for (int b = 0; b < baselines; b++) {
          double[][] attribution =
              paths.get(s * baselines + b).attributions(options.multiplyByInputs());
          for (int t = 0; t < tensors.size(); t++) {
            double[] acc = sample.get(tensors.get(t).name());
            double[] value = attribution[t];
            for (int i = 0; i < acc.length; i++) {
              acc[i] += value[i] / baselines;
            }
          }
        }
        for (AttributedTensor tensor : tensors) {
          double[] value = sample.get(tensor.name());
          double[] m = mean.get(tensor.name());
          double[] m2 = meanSquare.get(tensor.name());
          for (int i = 0; i < value.length; i++) {
            m[i] += value[i] / smoothing.samples();
            m2[i] += value[i] * value[i] / smoothing.samples();
          }
        }
      }
      Map<String, DenseArray> attributions = new LinkedHashMap<>();
      double total = 0;
      for (AttributedTensor tensor : tensors) {
        double[] m = mean.get(tensor.name());
        double[] m2 = meanSquare.get(tensor.name());
        double[] combined = new double[m.length];
        for (int i = 0; i < m.length; i++) {
          combined[i] =
              switch (smoothing.variant()) {
                case NONE, SMOOTHGRAD -> m[i];
                case SMOOTHGRAD_SQ -> m2[i];
                case VARGRAD -> Math.max(0, m2[i] - m[i] * m[i]);
              };
          total += combined[i];
        }
        attributions.put(tensor.name(), new DenseArray(tensor.rowShape().clone(), combined));
      }
      complete(attributions, total, steps);
    }

    /**
     * The common case without noise samples, in plain loops: the same arithmetic in the same order
     * as the general one (a mean over one sample is the value itself), without its maps.
     */
    private void finishUnsmoothed(int steps) {
      int baselines = atBaselines.size();
      boolean multiply = options.multiplyByInputs();
      Map<String, DenseArray> attributions = new LinkedHashMap<>();
      double total = 0;
      for (int t = 0; t < tensors.size(); t++) {
        AttributedTensor tensor = tensors.get(t);
        double[] combined = new double[paths.get(0).sums[t].length];
        for (int b = 0; b < baselines; b++) {
          Path path = paths.get(b);
          double[] sum = path.sums[t];
          double[] delta = path.delta[t];
          for (int i = 0; i < combined.length; i++) {
            combined[i] += (multiply ? delta[i] * sum[i] : sum[i]) / baselines;
          }
        }
        for (double value : combined) {
          total += value;
        }
        attributions.put(tensor.name(), new DenseArray(tensor.rowShape().clone(), combined));
      }
      complete(attributions, total, steps);
    }

    private void complete(Map<String, DenseArray> attributions, double total, int steps) {
      Smoothing smoothing = options.smoothing();
      int baselines = atBaselines.size();
      double fx = target.select(atInput.output());
      double fb = 0;
      for (Evaluation baseline : atBaselines) {
        fb += target.select(baseline.output()) / baselines;
      }
      boolean completenessApplies =
          options.multiplyByInputs() && smoothing.variant() == Smoothing.Variant.NONE;
      Double delta = completenessApplies ? total - (fx - fb) : null;
      Double error = completenessApplies ? approximationError(delta, fx - fb) : null;
      // A non-finite error cannot improve with more steps: report it, do not retry it.
      Boolean met =
          options.errorTarget() == null || error == null || !Double.isFinite(error)
              ? null
              : error <= options.errorTarget();
      result =
          new Attribution(
              target.index(),
              fx,
              fb,
              attributions,
              total,
              delta,
              error,
              options.rule(),
              steps,
              met,
              options.rule().externalName(),
              target.description());
    }

    boolean meetsErrorTarget() {
      return result.errorTargetMet() == null || result.errorTargetMet();
    }

    Attribution result() {
      return result;
    }
  }

  /**
   * |delta| / |F(x) - F(b)|; when the output does not change along the path, the absolute delta
   * (any nonzero attribution sum is then an error in itself).
   */
  static double approximationError(double delta, double change) {
    return Math.abs(change) > 1e-12 ? Math.abs(delta) / Math.abs(change) : Math.abs(delta);
  }

  private static Map<String, DenseArray> noisy(
      Map<String, DenseArray> values, double sigma, Random random) {
    Map<String, DenseArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, DenseArray> entry : values.entrySet()) {
      double[] source = entry.getValue().values();
      double[] copy = new double[source.length];
      for (int i = 0; i < source.length; i++) {
        copy[i] = source[i] + sigma * random.nextGaussian();
      }
      out.put(entry.getKey(), new DenseArray(entry.getValue().shape().clone(), copy));
    }
    return out;
  }
}
