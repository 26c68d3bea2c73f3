package io.igstream.ig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Guided IG engine: explains a batch of events on one {@link DifferentiableModel}.
 *
 * <p>Each (event, target, baseline) has a {@link GuidedPath}. A path's next point depends on the
 * gradient at its current point, so the batch advances in lockstep: at every step the current
 * points of all paths go through the model together (in runs of at most {@code maxRowsPerRun}
 * rows), then every path takes its step. A batch thus costs {@code steps x segments} gradient runs
 * whatever its size, as plain IG's costs its points. A path depends only on its own gradients, so
 * results do not depend on which events share a batch.
 *
 * <p>All attributed tensors of a model (several inputs, or an inner tensor such as an embedding
 * output) are one feature vector for the path: the fraction and the L1 distances are taken over all
 * of them together.
 */
public final class GuidedIntegratedGradients implements ExplainMethod {

  private final DifferentiableModel model;
  private final OutputKind outputKind;
  private final GuidedOptions options;
  private final List<AttributedTensor> tensors;

  public GuidedIntegratedGradients(
      DifferentiableModel model, OutputKind outputKind, GuidedOptions options) {
    this.model = model;
    this.outputKind = outputKind;
    this.options = options;
    this.tensors = model.attributedTensors();
  }

  public GuidedOptions options() {
    return options;
  }

  @Override
  public List<List<Attribution>> explain(List<ExplainRequest> requests) {
    List<GradientRuns.Evaluated> evaluated =
        GradientRuns.evaluateRequests(model, requests, options.maxRowsPerRun());

    List<Job> jobs = new ArrayList<>();
    List<List<Job>> byRequest = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      ExplainRequest request = requests.get(r);
      Evaluation atInput = evaluated.get(r).atInput();
      List<Evaluation> atBaselines = evaluated.get(r).atBaselines();
      List<Job> own = new ArrayList<>();
      for (ResolvedTarget target :
          Targets.resolve(outputKind, atInput.output(), request.target())) {
        if (target.dependsOnOutput()) {
          // Guided IG's rows carry a fixed upstream; a softmax target would need one per point.
          throw new IllegalArgumentException("guided_ig does not support softmax targets");
        }
        Job job = new Job(request, atInput, atBaselines, target);
        own.add(job);
        jobs.add(job);
      }
      byRequest.add(own);
    }

    List<Row> rows = new ArrayList<>();
    for (Job job : jobs) {
      rows.addAll(job.rows);
    }
    GradientRuns runs = new GradientRuns(model, tensors, options.maxRowsPerRun());
    for (int step = 0; step < options.totalSteps(); step++) {
      // A path's step needs only its own gradient, so each run's paths advance as it returns.
      runs.at(
          rows.stream().map(Row::spec).toList(),
          (gradient, i) -> rows.get(i).path.advance(gradient));
    }

    List<List<Attribution>> results = new ArrayList<>();
    for (List<Job> own : byRequest) {
      results.add(own.stream().map(Job::result).toList());
    }
    return results;
  }

  private double[] flatten(Map<String, DenseArray> values) {
    int size = 0;
    for (AttributedTensor tensor : tensors) {
      size += tensor.size();
    }
    double[] out = new double[size];
    int offset = 0;
    for (AttributedTensor tensor : tensors) {
      double[] part = values.get(tensor.name()).values();
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  /** One path of one job, and what its gradient rows need. */
  private record Row(GuidedPath path, Job job) {
    GradientRuns.Point spec() {
      return new GradientRuns.Point(path.point(), job.request.inputs(), job.target.upstream());
    }
  }

  /** One (event, target): a path per baseline, averaged ("expected" Guided IG). */
  private final class Job {
    final ExplainRequest request;
    final Evaluation atInput;
    final List<Evaluation> atBaselines;
    final ResolvedTarget target;
    final List<Row> rows = new ArrayList<>();

    Job(
        ExplainRequest request,
        Evaluation atInput,
        List<Evaluation> atBaselines,
        ResolvedTarget target) {
      this.request = request;
      this.atInput = atInput;
      this.atBaselines = atBaselines;
      this.target = target;
      double[] end = flatten(atInput.attributedValues());
      for (Evaluation baseline : atBaselines) {
        rows.add(new Row(new GuidedPath(flatten(baseline.attributedValues()), end, options), this));
      }
    }

    Attribution result() {
      int baselines = rows.size();
      double[] mean = new double[rows.get(0).path.point().length];
      for (Row row : rows) {
        double[] a = row.path.attributions();
        for (int i = 0; i < mean.length; i++) {
          mean[i] += a[i] / baselines;
        }
      }
      Map<String, DenseArray> attributions = new LinkedHashMap<>();
      double total = 0;
      int offset = 0;
      for (AttributedTensor tensor : tensors) {
        double[] part = new double[tensor.size()];
        System.arraycopy(mean, offset, part, 0, part.length);
        offset += part.length;
        for (double v : part) {
          total += v;
        }
        attributions.put(tensor.name(), new DenseArray(tensor.rowShape().clone(), part));
      }
      double fx = target.select(atInput.output());
      double fb = 0;
      for (Evaluation baseline : atBaselines) {
        fb += target.select(baseline.output()) / baselines;
      }
      // Guided IG is a path method: completeness holds up to the step error of its Riemann sum.
      double delta = total - (fx - fb);
      return new Attribution(
          target.index(),
          fx,
          fb,
          attributions,
          total,
          delta,
          IntegratedGradients.approximationError(delta, fx - fb),
          null,
          options.totalSteps(),
          null,
          Attribution.GUIDED_IG,
          target.description());
    }
  }
}
