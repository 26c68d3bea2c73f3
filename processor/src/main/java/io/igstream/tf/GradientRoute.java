package io.igstream.tf;

import java.util.Locale;

/** How input gradients are obtained from a model. */
public enum GradientRoute {
  /** The model exports a signature that computes them (tf.GradientTape in Python). */
  GRADIENT_SIGNATURE,
  /** Call bodies rebuilt in the loaded graph, then Graph.addGradients. */
  GRAPH;

  public String externalName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
