package io.igstream.ig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * F(image) = sum c_i x_i^2 + w . x over an H x W x C input "image", with its gradient written by
 * hand: the independent reference for Blur IG's arithmetic. Counts its gradient runs.
 */
final class ImageQuadraticModel implements DifferentiableModel {

  final long[] shape;
  final double[] c;
  final double[] w;
  final List<Integer> rowsPerRun = new ArrayList<>();

  ImageQuadraticModel(long[] shape, double[] c, double[] w) {
    this.shape = shape;
    this.c = c;
    this.w = w;
  }

  double value(double[] x) {
    double y = 0;
    for (int i = 0; i < x.length; i++) {
      y += c[i] * x[i] * x[i] + w[i] * x[i];
    }
    return y;
  }

  @Override
  public List<AttributedTensor> attributedTensors() {
    return List.of(new AttributedTensor("image", shape));
  }

  @Override
  public int outputSize() {
    return 1;
  }

  @Override
  public List<Evaluation> evaluate(List<Map<String, DenseArray>> instances) {
    List<Evaluation> out = new ArrayList<>();
    for (Map<String, DenseArray> instance : instances) {
      DenseArray x = instance.get("image");
      out.add(new Evaluation(new double[] {value(x.values())}, Map.of("image", x)));
    }
    return out;
  }

  @Override
  public synchronized GradientBatch gradients(GradientRequest request) {
    rowsPerRun.add(request.rows());
    float[] values = request.values().get("image");
    int n = w.length;
    float[] grads = new float[values.length];
    float[] outs = new float[request.rows()];
    for (int r = 0; r < request.rows(); r++) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = values[r * n + i];
        grads[r * n + i] = (float) (request.upstream()[r] * (2 * c[i] * x[i] + w[i]));
      }
      outs[r] = (float) value(x);
    }
    return new GradientBatch(outs, Map.of("image", grads));
  }
}
