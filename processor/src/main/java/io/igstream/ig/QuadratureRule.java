package io.igstream.ig;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the path integral from the baseline to the input is approximated: where the path is sampled
 * (alphas in [0, 1]) and with which weights. Every rule's weights sum to 1, so a linear model's
 * attributions are exact with any of them.
 */
public enum QuadratureRule {
  RIEMANN_LEFT,
  RIEMANN_RIGHT,
  RIEMANN_MIDDLE,
  /** The correct trapezoid rule: points k/(n-1), weights 1/(n-1) halved at both ends. */
  TRAPEZOID,
  GAUSS_LEGENDRE;

  // Every attribution record names its rule; lower-casing per record showed in profiles.
  private final String externalName = name().toLowerCase(Locale.ROOT);

  /** The name used in configuration, command lines and records, e.g. {@code riemann_left}. */
  public String externalName() {
    return externalName;
  }

  /** Parses an external name, case-insensitively. */
  public static QuadratureRule fromExternalName(String name) {
    for (QuadratureRule rule : values()) {
      if (rule.externalName().equalsIgnoreCase(name.trim())) {
        return rule;
      }
    }
    throw new IllegalArgumentException(
        "unknown method '"
            + name
            + "'; use one of "
            + Arrays.stream(values()).map(QuadratureRule::externalName).toList());
  }

  /** The points and weights of this rule with {@code steps} points. */
  public Quadrature points(int steps) {
    int minimum = this == TRAPEZOID ? 2 : 1;
    if (steps < minimum) {
      throw new IllegalArgumentException(externalName() + " needs at least " + minimum + " steps");
    }
    double[] alphas = new double[steps];
    double[] weights = new double[steps];
    switch (this) {
      case RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE -> {
        double shift = this == RIEMANN_LEFT ? 0 : this == RIEMANN_RIGHT ? 1 : 0.5;
        for (int k = 0; k < steps; k++) {
          alphas[k] = (k + shift) / steps;
          weights[k] = 1.0 / steps;
        }
      }
      case TRAPEZOID -> {
        for (int k = 0; k < steps; k++) {
          alphas[k] = (double) k / (steps - 1);
          weights[k] = 1.0 / (steps - 1);
        }
        weights[0] /= 2;
        weights[steps - 1] /= 2;
      }
      case GAUSS_LEGENDRE -> {
        return GaussLegendre.onUnitInterval(steps);
      }
    }
    return new Quadrature(alphas, weights);
  }
}
