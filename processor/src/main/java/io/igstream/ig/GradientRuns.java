package io.igstream.ig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * Gradients at arbitrary points, fed to the model in runs of at most {@code maxRowsPerRun} rows so
 * that memory is bounded by one run. Points are flat over the attributed tensors, in their order.
 */
final class GradientRuns {

  /** A point, the instance its other inputs come from, and the upstream of the explained scalar. */
  record Point(double[] values, Map<String, DenseArray> context, double[] upstream) {}

  private final DifferentiableModel model;
  private final List<AttributedTensor> tensors;
  private final int maxRowsPerRun;

  GradientRuns(DifferentiableModel model, List<AttributedTensor> tensors, int maxRowsPerRun) {
    this.model = model;
    this.tensors = tensors;
    this.maxRowsPerRun = maxRowsPerRun;
  }

  /** F and the attributed values at one request's input and at each of its baselines. */
  record Evaluated(Evaluation atInput, List<Evaluation> atBaselines) {}

  /** {@link #evaluate(DifferentiableModel, List, List, int)} on the requests' own baselines. */
  static List<Evaluated> evaluateRequests(
      DifferentiableModel model, List<ExplainRequest> requests, int maxRowsPerRun) {
    return evaluate(
        model,
        requests.stream().map(ExplainRequest::inputs).toList(),
        requests.stream().map(ExplainRequest::baselines).toList(),
        maxRowsPerRun);
  }

  /**
   * F at every input and baseline of a batch in one chunked forward pass (on small models a run's
   * fixed cost is most of the work), split back per request.
   *
   * @param baselines each input's baselines, in the order of the inputs
   */
  static List<Evaluated> evaluate(
      DifferentiableModel model,
      List<Map<String, DenseArray>> inputs,
      List<List<Map<String, DenseArray>>> baselines,
      int maxRowsPerRun) {
    List<Map<String, DenseArray>> instances = new ArrayList<>(inputs);
    baselines.forEach(instances::addAll);
    List<Evaluation> evaluated = evaluate(model, instances, maxRowsPerRun);
    List<Evaluated> out = new ArrayList<>(inputs.size());
    int offset = inputs.size();
    for (int r = 0; r < inputs.size(); r++) {
      int count = baselines.get(r).size();
      out.add(new Evaluated(evaluated.get(r), evaluated.subList(offset, offset + count)));
      offset += count;
    }
    return out;
  }

  /**
   * F at each instance (the inputs and the baselines of a batch), in runs of at most {@code
   * maxRowsPerRun} rows, so that the forward pass is bounded like the gradient runs.
   */
  private static List<Evaluation> evaluate(
      DifferentiableModel model, List<Map<String, DenseArray>> instances, int maxRowsPerRun) {
    List<Evaluation> out = new ArrayList<>(instances.size());
    for (int from = 0; from < instances.size(); from += maxRowsPerRun) {
      int to = Math.min(instances.size(), from + maxRowsPerRun);
      out.addAll(model.evaluate(instances.subList(from, to)));
    }
    return out;
  }

  /**
   * Hands the gradient at each point (flat like the point) with the point's index to {@code sink},
   * one run at a time, so that no more than one run's gradients are held at once.
   */
  void at(List<Point> points, ObjIntConsumer<double[]> sink) {
    for (int from = 0; from < points.size(); from += maxRowsPerRun) {
      List<double[]> gradients =
          run(points.subList(from, Math.min(points.size(), from + maxRowsPerRun)));
      for (int i = 0; i < gradients.size(); i++) {
        sink.accept(gradients.get(i), from + i);
      }
    }
  }

  private List<double[]> run(List<Point> points) {
    int rows = points.size();
    int outputs = model.outputSize();
    Map<String, float[]> feed = new LinkedHashMap<>();
    int offset = 0;
    for (AttributedTensor tensor : tensors) {
      int size = tensor.size();
      float[] values = new float[rows * size];
      for (int r = 0; r < rows; r++) {
        double[] point = points.get(r).values();
        for (int i = 0; i < size; i++) {
          values[r * size + i] = (float) point[offset + i];
        }
      }
      feed.put(tensor.name(), values);
      offset += size;
    }
    float[] upstream = new float[rows * outputs];
    List<Map<String, DenseArray>> context = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      double[] up = points.get(r).upstream();
      for (int j = 0; j < up.length; j++) {
        upstream[r * outputs + j] = (float) up[j];
      }
      context.add(points.get(r).context());
    }
    GradientBatch batch = model.gradients(new GradientRequest(rows, context, feed, upstream));
    List<double[]> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      out.add(new double[offset]);
    }
    int at = 0;
    for (AttributedTensor tensor : tensors) {
      int size = tensor.size();
      float[] gradient = batch.gradients().get(tensor.name());
      for (int r = 0; r < rows; r++) {
        double[] target = out.get(r);
        for (int i = 0; i < size; i++) {
          target[at + i] = gradient[r * size + i];
        }
      }
      at += size;
    }
    return out;
  }
}
