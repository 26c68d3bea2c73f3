package io.igstream.ig;

import java.util.Locale;

/** What the explained output means, which decides how a target selects the explained scalar. */
public enum OutputKind {
  /** A vector of per-class scores (logits or probabilities) or several outputs; F = y[target]. */
  VECTOR,
  /** A single regression value; F = y. */
  SCALAR,
  /** A single sigmoid probability of class 1; F = P(class = target), so 1 - y for target 0. */
  SIGMOID;

  public String externalName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OutputKind fromExternalName(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
