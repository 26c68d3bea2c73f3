package io.igstream.drift;

import java.util.Map;

/**
 * One explained event as the summaries see it: per summarised feature its value and signed
 * attribution (NaN when missing), the prediction (a class or a number) and the explanation's own
 * approximation error, plus the hash of the explainer configuration that produced it.
 *
 * @param predictedClass the explained class for classifiers, null for scalar outputs
 * @param prediction the explained output F(x)
 * @param approximationError |delta| / |F(x) - F(b)|, null when F(x) = F(b)
 */
public record Observation(
    Map<String, Double> values,
    Map<String, Double> attributions,
    Integer predictedClass,
    double prediction,
    Double approximationError,
    String explainerHash) {

  public Observation {
    values = Map.copyOf(values);
    attributions = Map.copyOf(attributions);
  }
}
