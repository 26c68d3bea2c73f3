package io.igstream.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.EventException;
import io.igstream.event.JsonArrays;
import io.igstream.ig.DenseArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Decides the baselines of one event, in input space: the event's own baseline if it sends one;
 * otherwise the config's list of baselines ("expected IG"), random draws from a reference sample
 * (seeded by event id), a per-input baseline, or a scalar (0 by default). Inputs that are not
 * attributed keep the event's values.
 */
final class BaselineResolver {

  private final List<String> attributed;
  private final Map<String, JsonNode> perInput;
  private final double scalar;
  private final List<Map<String, JsonNode>> configured;
  private final List<Map<String, DenseArray>> sample;
  private final int draws;
  private final long seed;

  BaselineResolver(
      List<String> attributed,
      Map<String, JsonNode> perInput,
      double scalar,
      List<Map<String, JsonNode>> configured,
      List<Map<String, DenseArray>> sample,
      int draws,
      long seed) {
    this.attributed = List.copyOf(attributed);
    this.perInput = perInput;
    this.scalar = scalar;
    this.configured = configured == null ? List.of() : configured;
    this.sample = sample == null ? List.of() : sample;
    this.draws = draws;
    this.seed = seed;
  }

  /** A resolver with a single scalar baseline for every attributed input. */
  static BaselineResolver scalar(List<String> attributed, double value) {
    return new BaselineResolver(attributed, Map.of(), value, null, null, 0, 0);
  }

  List<Map<String, DenseArray>> resolve(
      String eventId, Map<String, DenseArray> instance, JsonNode eventBaseline) {
    if (eventBaseline != null && !eventBaseline.isNull()) {
      return List.of(fromJson(instance, eventBaseline, "the event's baseline"));
    }
    if (!configured.isEmpty()) {
      List<Map<String, DenseArray>> out = new ArrayList<>();
      for (Map<String, JsonNode> baseline : configured) {
        out.add(fromJsonMap(instance, baseline, "a configured baseline"));
      }
      return out;
    }
    if (!sample.isEmpty() && draws > 0) {
      Random random = new Random(seed * 1_000_003L + eventId.hashCode());
      List<Map<String, DenseArray>> out = new ArrayList<>();
      for (int i = 0; i < draws; i++) {
        Map<String, DenseArray> drawn = sample.get(random.nextInt(sample.size()));
        Map<String, DenseArray> baseline = new LinkedHashMap<>(instance);
        for (String input : attributed) {
          baseline.put(input, checked(instance, input, drawn.get(input), "the baseline sample"));
        }
        out.add(baseline);
      }
      return out;
    }
    Map<String, DenseArray> baseline = new LinkedHashMap<>(instance);
    for (String input : attributed) {
      JsonNode configuredValue = perInput.get(input);
      baseline.put(
          input,
          configuredValue == null
              ? DenseArray.filled(instance.get(input).shape(), scalar)
              : value(instance, input, configuredValue, "the configured baseline"));
    }
    return List.of(baseline);
  }

  private Map<String, DenseArray> fromJson(
      Map<String, DenseArray> instance, JsonNode node, String what) {
    if (node.isNumber()) {
      Map<String, DenseArray> baseline = new LinkedHashMap<>(instance);
      for (String input : attributed) {
        baseline.put(input, DenseArray.filled(instance.get(input).shape(), node.asDouble()));
      }
      return baseline;
    }
    if (!node.isObject()) {
      throw new EventException(
          "schema", what + " must be a number or an object of input name to nested arrays");
    }
    Map<String, JsonNode> byInput = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> byInput.put(e.getKey(), e.getValue()));
    return fromJsonMap(instance, byInput, what);
  }

  private Map<String, DenseArray> fromJsonMap(
      Map<String, DenseArray> instance, Map<String, JsonNode> byInput, String what) {
    Map<String, DenseArray> baseline = new LinkedHashMap<>(instance);
    for (String input : byInput.keySet()) {
      if (!attributed.contains(input)) {
        throw new EventException(
            "schema",
            what + " names '" + input + "', which is not an attributed input " + attributed);
      }
    }
    for (String input : attributed) {
      JsonNode value = byInput.get(input);
      baseline.put(
          input,
          value == null
              ? DenseArray.filled(instance.get(input).shape(), scalar)
              : value(instance, input, value, what));
    }
    return baseline;
  }

  private static DenseArray value(
      Map<String, DenseArray> instance, String input, JsonNode node, String what) {
    if (node.isNumber()) {
      return DenseArray.filled(instance.get(input).shape(), node.asDouble());
    }
    try {
      return checked(instance, input, JsonArrays.read(node), what);
    } catch (IllegalArgumentException e) {
      throw new EventException("schema", what + " for '" + input + "': " + e.getMessage());
    }
  }

  private static DenseArray checked(
      Map<String, DenseArray> instance, String input, DenseArray value, String what) {
    if (value == null || !value.sameShape(instance.get(input))) {
      throw new EventException(
          "schema",
          what
              + " for '"
              + input
              + "' must have the input's shape "
              + Arrays.toString(instance.get(input).shape()));
    }
    return value;
  }
}
