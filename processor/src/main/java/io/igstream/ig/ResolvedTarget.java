package io.igstream.ig;

import java.util.Map;

/**
 * A target made concrete. A linear target explains {@code offset + upstream . output}, and its
 * upstream vector is fed to the gradient graph unchanged. A softmax target ({@code temperature}
 * set) explains {@code softmax(output / T)[index]}: its upstream depends on the output at each path
 * point, see {@link #upstreamAt}. {@code description} names what was explained for records, and is
 * null for the plain kinds (index, predicted, top-k) whose records keep an integer target.
 */
public record ResolvedTarget(
    Integer index, double[] upstream, double offset, Double temperature, Description description) {

  /** What a target explains, for the record: a kind and its parameters. */
  public record Description(String kind, Map<String, Object> parameters) {
    public Description {
      parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }
  }

  /** A plain linear target, as index, predicted and top-k resolve to. */
  public ResolvedTarget(Integer index, double[] upstream, double offset) {
    this(index, upstream, offset, null, null);
  }

  /** True when the upstream vector changes along the path (softmax targets). */
  public boolean dependsOnOutput() {
    return temperature != null;
  }

  /** The explained scalar for an output row. */
  public double select(double[] output) {
    if (temperature != null) {
      return probabilities(output)[index];
    }
    double value = offset;
    for (int i = 0; i < upstream.length; i++) {
      value += upstream[i] * output[i];
    }
    return value;
  }

  /**
   * The gradient of the explained scalar with respect to the output row: the constant upstream of a
   * linear target, and for softmax p_a (e_a - p) / T, the derivative of p_a = softmax(y / T)[a].
   */
  public double[] upstreamAt(double[] output) {
    if (temperature == null) {
      return upstream;
    }
    double[] p = probabilities(output);
    double pa = p[index];
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = pa * ((i == index ? 1.0 : 0.0) - p[i]) / temperature;
    }
    return out;
  }

  /** softmax(output / T), shifted by the maximum so that large logits do not overflow. */
  private double[] probabilities(double[] output) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : output) {
      max = Math.max(max, v / temperature);
    }
    double[] p = new double[output.length];
    double total = 0;
    for (int i = 0; i < output.length; i++) {
      p[i] = Math.exp(output[i] / temperature - max);
      total += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= total;
    }
    return p;
  }
}
