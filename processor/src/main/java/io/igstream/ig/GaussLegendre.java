package io.igstream.ig;

/**
 * Gauss-Legendre nodes and weights, found by Newton's method on the Legendre polynomial of degree
 * n; exact for polynomial integrands up to degree 2n - 1.
 */
final class GaussLegendre {

  private GaussLegendre() {}

  /** The n-point rule mapped from [-1, 1] to [0, 1], nodes in increasing order. */
  static Quadrature onUnitInterval(int n) {
    double[] alphas = new double[n];
    double[] weights = new double[n];
    for (int i = 0; i < (n + 1) / 2; i++) {
      // Chebyshev-like first guess of the i-th largest root; Newton converges in a few steps.
      double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double derivative = 0;
      for (int iteration = 0; iteration < 100; iteration++) {
        double[] pd = legendre(n, t);
        derivative = pd[1];
        double step = pd[0] / derivative;
        t -= step;
        if (Math.abs(step) < 1e-16) {
          break;
        }
      }
      derivative = legendre(n, t)[1];
      double weight = 2.0 / ((1 - t * t) * derivative * derivative);
      // t is the i-th largest root; its mirror -t the i-th smallest.
      alphas[n - 1 - i] = (1 + t) / 2;
      alphas[i] = (1 - t) / 2;
      weights[n - 1 - i] = weight / 2;
      weights[i] = weight / 2;
    }
    return new Quadrature(alphas, weights);
  }

  /** P_n(t) and its derivative, by the three-term recurrence. */
  private static double[] legendre(int n, double t) {
    double previous = 1;
    double current = t;
    if (n == 0) {
      return new double[] {1, 0};
    }
    for (int k = 2; k <= n; k++) {
      double next = ((2 * k - 1) * t * current - (k - 1) * previous) / k;
      previous = current;
      current = next;
    }
    double derivative = n * (t * current - previous) / (t * t - 1);
    return new double[] {current, derivative};
  }
}
