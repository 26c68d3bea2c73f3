package io.igstream.ig;

/**
 * A target made concrete: the explained scalar is {@code offset + upstream . output}, where the
 * upstream vector is fed to the gradient graph unchanged.
 */
public record ResolvedTarget(Integer index, double[] upstream, double offset) {

  /** The explained scalar for an output row. */
  public double select(double[] output) {
    double value = offset;
    for (int i = 0; i < upstream.length; i++) {
      value += upstream[i] * output[i];
    }
    return value;
  }
}
