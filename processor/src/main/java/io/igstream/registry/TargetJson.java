package io.igstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.ig.TargetSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a target as the model config and events give it: an index, {@code "predicted"}, {@code
 * "top-K"}, or an object for a function of the output ({@code {"contrast": [a, b]}}, {@code {"sum":
 * [i, j]}}, {@code {"index": i, "minus": m}}, {@code {"softmax": a, "temperature": T}}).
 */
public final class TargetJson {

  private static final List<Set<String>> SHAPES =
      List.of(
          Set.of("contrast"),
          Set.of("sum"),
          Set.of("index", "minus"),
          Set.of("softmax", "temperature"));

  private TargetJson() {}

  /** The target a JSON value asks for; errors name the offending key. */
  public static TargetSpec parse(JsonNode node) {
    if (node.isIntegralNumber()) {
      return new TargetSpec.Index(node.asInt());
    }
    if (node.isTextual()) {
      return TargetSpec.parse(node.asText());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "target must be an index, 'predicted', 'top-K' or an object, got " + node);
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (SHAPES.stream().noneMatch(shape -> shape.contains(key))) {
        throw new IllegalArgumentException(
            "target: unknown key '"
                + key
                + "' (expected contrast, sum, index + minus, or softmax + temperature)");
      }
    }
    if (node.has("contrast")) {
      only(node, "contrast");
      JsonNode pair = node.get("contrast");
      if (!pair.isArray() || pair.size() != 2) {
        throw new IllegalArgumentException("target.contrast must be [a, b]");
      }
      Integer b =
          pair.get(1).isTextual() && pair.get(1).asText().equals("runner_up")
              ? null
              : index(pair.get(1), "contrast[1]");
      return new TargetSpec.Contrast(index(pair.get(0), "contrast[0]"), b);
    }
    if (node.has("sum")) {
      only(node, "sum");
      JsonNode items = node.get("sum");
      if (!items.isArray()) {
        throw new IllegalArgumentException("target.sum must be an array of indices");
      }
      List<Integer> indices = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        indices.add(index(items.get(i), "sum[" + i + "]"));
      }
      return new TargetSpec.Sum(indices);
    }
    if (node.has("softmax")) {
      only(node, "softmax", "temperature");
      JsonNode t = node.get("temperature");
      if (t != null && !t.isNumber()) {
        throw new IllegalArgumentException("target.temperature must be a number");
      }
      return new TargetSpec.Softmax(
          index(node.get("softmax"), "softmax"), t == null ? 1.0 : t.asDouble());
    }
    only(node, "index", "minus");
    JsonNode minus = node.get("minus");
    if (minus == null || !minus.isNumber()) {
      throw new IllegalArgumentException("target.minus must be a number next to target.index");
    }
    if (!node.has("index")) {
      throw new IllegalArgumentException("target.minus needs target.index");
    }
    return new TargetSpec.Shifted(index(node.get("index"), "index"), minus.asDouble());
  }

  private static void only(JsonNode node, String... allowed) {
    Set<String> keys = Set.of(allowed);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(
            "target: key '" + key + "' cannot be combined with '" + allowed[0] + "'");
      }
    }
  }

  private static int index(JsonNode value, String key) {
    if (value == null || !value.isIntegralNumber() || value.asInt() < 0) {
      throw new IllegalArgumentException(
          "target." + key + " must be a non-negative integer, got " + value);
    }
    return value.asInt();
  }
}
