package io.igstream.ig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model written in Java with a hand-derived gradient: the independent reference for the engine's
 * arithmetic. Input "x" is a vector; the output is a vector of {@code outputs} values.
 */
final class AnalyticModel implements DifferentiableModel {

  private final int features;
  private final int outputs;
  private final Function<double[], double[]> forward;
  private final Function<double[], double[][]> jacobian;
  final AtomicInteger gradientRuns = new AtomicInteger();
  final List<Integer> rowsPerRun = new ArrayList<>();

  AnalyticModel(
      int features,
      int outputs,
      Function<double[], double[]> forward,
      Function<double[], double[][]> jacobian) {
    this.features = features;
    this.outputs = outputs;
    this.forward = forward;
    this.jacobian = jacobian;
  }

  /** A scalar function of a vector with its gradient. */
  static AnalyticModel scalar(
      int features, Function<double[], Double> f, Function<double[], double[]> gradient) {
    return new AnalyticModel(
        features, 1, x -> new double[] {f.apply(x)}, x -> new double[][] {gradient.apply(x)});
  }

  @Override
  public List<AttributedTensor> attributedTensors() {
    return List.of(new AttributedTensor("x", new long[] {features}));
  }

  @Override
  public int outputSize() {
    return outputs;
  }

  @Override
  public List<Evaluation> evaluate(List<Map<String, DenseArray>> instances) {
    List<Evaluation> out = new ArrayList<>();
    for (Map<String, DenseArray> instance : instances) {
      DenseArray x = instance.get("x");
      out.add(new Evaluation(forward.apply(x.values()), Map.of("x", x)));
    }
    return out;
  }

  @Override
  public synchronized GradientBatch gradients(GradientRequest request) {
    gradientRuns.incrementAndGet();
    rowsPerRun.add(request.rows());
    float[] values = request.values().get("x");
    float[] grads = new float[values.length];
    float[] outs = new float[request.rows() * outputs];
    for (int r = 0; r < request.rows(); r++) {
      double[] x = new double[features];
      for (int i = 0; i < features; i++) {
        x[i] = values[r * features + i];
      }
      double[] y = forward.apply(x);
      double[][] jac = jacobian.apply(x);
      for (int j = 0; j < outputs; j++) {
        outs[r * outputs + j] = (float) y[j];
        for (int i = 0; i < features; i++) {
          grads[r * features + i] += (float) (request.upstream()[r * outputs + j] * jac[j][i]);
        }
      }
    }
    return new GradientBatch(outs, Map.of("x", grads));
  }

  static Map<String, DenseArray> x(double... values) {
    return Map.of("x", DenseArray.vector(values));
  }
}
