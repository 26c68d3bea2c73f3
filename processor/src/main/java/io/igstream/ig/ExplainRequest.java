package io.igstream.ig;

import java.util.List;
import java.util.Map;

/**
 * One event to explain: an id (which seeds its noise, so results do not depend on batching), the
 * model inputs, the target, and one or more baselines in input space (several are averaged).
 */
public record ExplainRequest(
    String id,
    Map<String, DenseArray> inputs,
    TargetSpec target,
    List<Map<String, DenseArray>> baselines) {

  public ExplainRequest {
    if (baselines.isEmpty()) {
      throw new IllegalArgumentException("an explanation needs at least one baseline");
    }
    inputs = Map.copyOf(inputs);
    baselines = List.copyOf(baselines);
  }
}
