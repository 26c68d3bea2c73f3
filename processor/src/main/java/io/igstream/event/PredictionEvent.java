package io.igstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.ig.DenseArray;
import java.util.Map;

/**
 * A prediction event as producers send it: identity, the instance (either {@code inputs} by
 * signature input name, or {@code features} by feature name), and optional target, baseline and
 * served prediction. {@code raw} keeps the original JSON for dead letters.
 */
public record PredictionEvent(
    String eventId,
    String model,
    String version,
    String eventTime,
    Map<String, DenseArray> inputs,
    Map<String, Double> features,
    JsonNode target,
    JsonNode baseline,
    JsonNode prediction) {

  /** True when the instance came as named features that the model config must map to inputs. */
  public boolean hasNamedFeatures() {
    return features != null;
  }
}
