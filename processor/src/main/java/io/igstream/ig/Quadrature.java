package io.igstream.ig;

/** Points on the straight path (alpha in [0, 1]) and their weights. */
public record Quadrature(double[] alphas, double[] weights) {

  public Quadrature {
    if (alphas.length != weights.length || alphas.length == 0) {
      throw new IllegalArgumentException(
          "a quadrature needs as many weights as points, at least 1");
    }
  }

  public int size() {
    return alphas.length;
  }
}
