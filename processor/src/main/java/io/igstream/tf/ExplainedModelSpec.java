package io.igstream.tf;

import java.util.List;

/**
 * What to explain in a SavedModel: the signature, its output to explain, and where each attributed
 * input is differentiated. Every other signature input is passed through unchanged.
 */
public record ExplainedModelSpec(
    String signature, String output, List<AttributionPoint> attributed, String gradientSignature) {

  /** The signature name the engine looks for before trying the graph route. */
  public static final String DEFAULT_GRADIENT_SIGNATURE = "igstream_gradients";

  public ExplainedModelSpec {
    attributed = List.copyOf(attributed);
    if (attributed.isEmpty()) {
      throw new IllegalArgumentException("at least one input must be attributed");
    }
    if (gradientSignature == null) {
      gradientSignature = DEFAULT_GRADIENT_SIGNATURE;
    }
  }
}
