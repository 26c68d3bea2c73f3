package io.igstream.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.ig.DenseArray;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses and validates prediction events from JSON text. */
public final class EventParser {

  /**
   * Model and version names: they become directory names in the model repository, so they are
   * restricted to a safe alphabet with no path separators and no leading dot.
   */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private final ObjectMapper json;

  public EventParser(ObjectMapper json) {
    this.json = json;
  }

  /** Reads the event id from text that may not even be a valid event, for error records. */
  public String bestEffortId(String text) {
    try {
      JsonNode node = json.readTree(text);
      JsonNode id = node == null ? null : node.get("event_id");
      return id != null && id.isTextual() ? id.asText() : null;
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Parses one event.
   *
   * @throws EventException with stage {@code parse} for malformed JSON and {@code schema} for a
   *     well-formed document that is not a valid event
   */
  public PredictionEvent parse(String text) {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new EventException("parse", "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new EventException("parse", "an event must be a JSON object");
    }
    return parse(node);
  }

  /** Validates an event already read as JSON. */
  public PredictionEvent parse(JsonNode node) {
    try {
      return validate(node);
    } catch (EventException e) {
      throw e;
    } catch (RuntimeException e) {
      // Whatever the data does to the parser, it is this event's problem, not the stream's.
      throw new EventException("schema", "the event cannot be read: " + e);
    }
  }

  private PredictionEvent validate(JsonNode node) {
    String eventId = requiredText(node, "event_id");
    String model = requiredName(node, "model");
    String version = requiredName(node, "version");
    String eventTime = node.hasNonNull("event_time") ? node.get("event_time").asText() : null;
    JsonNode inputs = node.get("inputs");
    JsonNode features = node.get("features");
    if ((inputs == null || inputs.isNull()) == (features == null || features.isNull())) {
      throw new EventException(
          "schema", "an event needs exactly one of 'inputs' (by signature input) or 'features'");
    }
    Map<String, DenseArray> inputValues = null;
    Map<String, Double> featureValues = null;
    if (inputs != null && !inputs.isNull()) {
      inputValues = readInputs(inputs);
    } else {
      featureValues = readFeatures(features);
    }
    return new PredictionEvent(
        eventId,
        model,
        version,
        eventTime,
        inputValues,
        featureValues,
        node.get("target"),
        node.get("baseline"),
        node.get("prediction"));
  }

  private static Map<String, DenseArray> readInputs(JsonNode inputs) {
    if (!inputs.isObject() || inputs.isEmpty()) {
      throw new EventException(
          "schema", "'inputs' must be an object of input name to one instance (nested arrays)");
    }
    Map<String, DenseArray> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      try {
        values.put(entry.getKey(), JsonArrays.read(entry.getValue()));
      } catch (IllegalArgumentException e) {
        throw new EventException("schema", "input '" + entry.getKey() + "': " + e.getMessage());
      }
    }
    return values;
  }

  private static Map<String, Double> readFeatures(JsonNode features) {
    if (!features.isObject() || features.isEmpty()) {
      throw new EventException("schema", "'features' must be an object of feature name to number");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode value = entry.getValue();
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
        throw new EventException(
            "schema", "feature '" + entry.getKey() + "' must be a finite number");
      }
      values.put(entry.getKey(), value.asDouble());
    }
    return values;
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new EventException("schema", "'" + field + "' is required and must be a string");
    }
    return value.asText();
  }

  private static String requiredName(JsonNode node, String field) {
    JsonNode value = node.get(field);
    String text = value != null && value.isNumber() ? value.asText() : requiredText(node, field);
    if (!NAME.matcher(text).matches()) {
      throw new EventException(
          "schema",
          "'"
              + field
              + "' must match "
              + NAME.pattern()
              + " (letters, digits, '_', '.', '-'; no path separators)");
    }
    return text;
  }
}
