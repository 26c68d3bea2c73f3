package io.igstream.ig;

import java.util.Map;

/**
 * The attributions for one target of one event, with what is needed to judge them: F(x), F(b)
 * (averaged over baselines), the sum, the completeness delta and the approximation error |delta| /
 * |F(x) - F(b)|. Delta and error are null where completeness does not apply (smoothing variants,
 * path-averaged gradients). {@code rule} is the quadrature of plain IG and null for Guided and Blur
 * IG, whose paths are not a straight line; {@code method} is what records call the method; {@code
 * targetDescription} says what a function target (contrast, sum, threshold, softmax) explained.
 */
public record Attribution(
    Integer target,
    double outputAtInput,
    double outputAtBaseline,
    Map<String, DenseArray> attributions,
    double attributionSum,
    Double delta,
    Double approximationError,
    QuadratureRule rule,
    int steps,
    Boolean errorTargetMet,
    String method,
    ResolvedTarget.Description targetDescription) {

  /** The record's method name of Guided IG. */
  public static final String GUIDED_IG = "guided_ig";

  /** The record's method name of Blur IG. */
  public static final String BLUR_IG = "blur_ig";

  /** False when F(x), F(b) or any attribution is NaN or infinite: the result is not usable. */
  public boolean isFinite() {
    if (!Double.isFinite(outputAtInput) || !Double.isFinite(outputAtBaseline)) {
      return false;
    }
    for (DenseArray values : attributions.values()) {
      for (double v : values.values()) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }
}
