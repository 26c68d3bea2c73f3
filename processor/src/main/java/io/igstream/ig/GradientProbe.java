package io.igstream.ig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Compares a model's analytic gradient with central finite differences at one point, along random
 * directions. Gradient bugs can be silent (a wrong value, not an error), so a model is probed once
 * before its attributions are trusted.
 */
public final class GradientProbe {

  /** The outcome: agreement, and the figures that decided it. */
  public record Verdict(boolean agrees, double analytic, double numeric, String detail) {}

  private static final double[] STEPS = {1e-2, 3e-3, 1e-3};
  private static final double RELATIVE_TOLERANCE = 0.05;

  private GradientProbe() {}

  /**
   * Probes the model around one instance, nudged by seeded noise so that the point is unlikely to
   * sit on a ReLU kink.
   */
  public static Verdict probe(
      DifferentiableModel model, Map<String, DenseArray> instance, long seed) {
    Random random = new Random(seed);
    Evaluation evaluation = model.evaluate(List.of(instance)).get(0);
    Map<String, double[]> point = new LinkedHashMap<>();
    Map<String, double[]> direction = new LinkedHashMap<>();
    double norm = 0;
    for (AttributedTensor tensor : model.attributedTensors()) {
      double[] base = evaluation.attributedValues().get(tensor.name()).values().clone();
      double[] dir = new double[base.length];
      for (int i = 0; i < base.length; i++) {
        base[i] += 0.05 * random.nextGaussian() * Math.max(1, Math.abs(base[i]));
        dir[i] = random.nextGaussian() * Math.max(1, Math.abs(base[i]));
        norm += dir[i] * dir[i];
      }
      point.put(tensor.name(), base);
      direction.put(tensor.name(), dir);
    }
    norm = Math.sqrt(norm);
    for (double[] dir : direction.values()) {
      for (int i = 0; i < dir.length; i++) {
        dir[i] /= norm;
      }
    }
    float[] upstream = new float[model.outputSize()];
    for (int j = 0; j < upstream.length; j++) {
      upstream[j] = (float) (0.5 + random.nextDouble());
    }

    GradientBatch at = run(model, instance, List.of(point), upstream);
    double analytic = 0;
    for (AttributedTensor tensor : model.attributedTensors()) {
      float[] gradient = at.gradients().get(tensor.name());
      double[] dir = direction.get(tensor.name());
      for (int i = 0; i < dir.length; i++) {
        analytic += gradient[i] * dir[i];
      }
    }
    double scale = Math.abs(dot(upstream, at.outputs(), 0));
    Verdict last = null;
    for (double h : STEPS) {
      GradientBatch moved =
          run(
              model,
              instance,
              List.of(shift(point, direction, h), shift(point, direction, -h)),
              upstream);
      double plus = dot(upstream, moved.outputs(), 0);
      double minus = dot(upstream, moved.outputs(), upstream.length);
      double numeric = (plus - minus) / (2 * h);
      // float32 forward passes: the difference quotient carries about 1e-7 * |F| / h of noise.
      double tolerance =
          RELATIVE_TOLERANCE * Math.max(Math.abs(analytic), Math.abs(numeric))
              + 20 * 1.2e-7 * (scale + 1) / h;
      boolean agrees = Math.abs(analytic - numeric) <= tolerance;
      last =
          new Verdict(
              agrees,
              analytic,
              numeric,
              String.format(
                  java.util.Locale.ROOT,
                  "directional derivative %.6g analytic vs %.6g by central differences (h=%.0e)",
                  analytic,
                  numeric,
                  h));
      if (agrees) {
        return last;
      }
    }
    return last;
  }

  private static GradientBatch run(
      DifferentiableModel model,
      Map<String, DenseArray> instance,
      List<Map<String, double[]>> points,
      float[] upstream) {
    int rows = points.size();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (AttributedTensor tensor : model.attributedTensors()) {
      float[] flat = new float[rows * tensor.size()];
      for (int r = 0; r < rows; r++) {
        double[] value = points.get(r).get(tensor.name());
        for (int i = 0; i < value.length; i++) {
          flat[r * tensor.size() + i] = (float) value[i];
        }
      }
      values.put(tensor.name(), flat);
    }
    float[] up = new float[rows * upstream.length];
    List<Map<String, DenseArray>> context = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      System.arraycopy(upstream, 0, up, r * upstream.length, upstream.length);
      context.add(instance);
    }
    return model.gradients(new GradientRequest(rows, context, values, up));
  }

  private static Map<String, double[]> shift(
      Map<String, double[]> point, Map<String, double[]> direction, double h) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> entry : point.entrySet()) {
      double[] base = entry.getValue();
      double[] dir = direction.get(entry.getKey());
      double[] moved = new double[base.length];
      for (int i = 0; i < base.length; i++) {
        moved[i] = base[i] + h * dir[i];
      }
      out.put(entry.getKey(), moved);
    }
    return out;
  }

  private static double dot(float[] upstream, float[] outputs, int offset) {
    double value = 0;
    for (int j = 0; j < upstream.length; j++) {
      value += upstream[j] * outputs[offset + j];
    }
    return value;
  }
}
