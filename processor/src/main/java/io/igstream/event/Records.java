package io.igstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the JSON records igstream writes: attribution records and error records. */
public final class Records {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Records() {}

  /** How attributions of one input are presented: names, input shape, reduced image form. */
  public record InputPresentation(
      String input, long[] inputShape, List<String> featureNames, String channelReducer) {}

  /**
   * An attribution record: the first target's figures at the top level, further top-k targets under
   * {@code other_targets}, so that every event still yields exactly one record.
   */
  public static ObjectNode attribution(
      PredictionEvent event,
      String output,
      List<Attribution> attributions,
      Map<String, InputPresentation> presentation,
      int topFeatures) {
    ObjectNode record = JSON.objectNode();
    record.put("event_id", event.eventId());
    record.put("model", event.model());
    record.put("version", event.version());
    if (event.eventTime() != null) {
      record.put("event_time", event.eventTime());
    }
    record.put("output", output);
    writeTarget(record, attributions.get(0), presentation, topFeatures);
    if (attributions.size() > 1) {
      ArrayNode others = record.putArray("other_targets");
      for (Attribution other : attributions.subList(1, attributions.size())) {
        writeTarget(others.addObject(), other, presentation, topFeatures);
      }
    }
    if (event.prediction() != null && !event.prediction().isNull()) {
      record.set("prediction", event.prediction());
    }
    return record;
  }

  private static void writeTarget(
      ObjectNode node,
      Attribution a,
      Map<String, InputPresentation> presentation,
      int topFeatures) {
    if (a.target() == null) {
      node.putNull("target");
    } else {
      node.put("target", a.target());
    }
    node.put("method", a.method());
    node.put("steps", a.steps());
    node.put("output_at_input", a.outputAtInput());
    node.put("output_at_baseline", a.outputAtBaseline());
    node.put("attribution_sum", a.attributionSum());
    putNullable(node, "delta", a.delta());
    putNullable(node, "approximation_error", a.approximationError());
    if (a.errorTargetMet() != null) {
      node.put("error_target_met", a.errorTargetMet());
    }
    ObjectNode byInput = node.putObject("attributions");
    ObjectNode layers = null;
    ObjectNode reduced = null;
    Map<String, Double> named = new LinkedHashMap<>();
    for (Map.Entry<String, DenseArray> entry : a.attributions().entrySet()) {
      InputPresentation how = presentation.get(entry.getKey());
      DenseArray value = entry.getValue();
      DenseArray inInputShape = how == null ? value : Shapes.sumTrailing(value, how.inputShape());
      byInput.set(entry.getKey(), JsonArrays.write(inInputShape));
      if (inInputShape != value) {
        if (layers == null) {
          layers = node.putObject("layer_attributions");
        }
        layers.set(entry.getKey(), JsonArrays.write(value));
      }
      if (how != null && how.channelReducer() != null && !how.channelReducer().equals("none")) {
        if (reduced == null) {
          reduced = node.putObject("reduced_attributions");
        }
        reduced.set(
            entry.getKey(),
            JsonArrays.write(Shapes.reduceChannels(inInputShape, how.channelReducer())));
      }
      if (how != null && how.featureNames() != null) {
        List<String> names = how.featureNames();
        for (int i = 0; i < names.size() && i < inInputShape.size(); i++) {
          named.put(names.get(i), inInputShape.values()[i]);
        }
      }
    }
    if (!named.isEmpty()) {
      ObjectNode features = node.putObject("feature_attributions");
      named.forEach(features::put);
      ArrayNode top = node.putArray("top_features");
      List<Map.Entry<String, Double>> ranked = new ArrayList<>(named.entrySet());
      ranked.sort(
          Comparator.comparingDouble((Map.Entry<String, Double> e) -> -Math.abs(e.getValue())));
      for (Map.Entry<String, Double> entry :
          ranked.subList(0, Math.min(topFeatures, ranked.size()))) {
        top.addObject().put("feature", entry.getKey()).put("attribution", entry.getValue());
      }
    }
  }

  /** An error record: the event id (null if unreadable), model, version, and stage and reason. */
  public static ObjectNode error(Outcome.Failed failed) {
    ObjectNode record = JSON.objectNode();
    if (failed.eventId() == null) {
      record.putNull("event_id");
    } else {
      record.put("event_id", failed.eventId());
    }
    if (failed.model() != null) {
      record.put("model", failed.model());
    }
    if (failed.version() != null) {
      record.put("version", failed.version());
    }
    record.putObject("error").put("stage", failed.stage()).put("reason", failed.reason());
    return record;
  }

  private static void putNullable(ObjectNode node, String field, Double value) {
    if (value == null || !Double.isFinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  static JsonNode number(double value) {
    return JSON.numberNode(value);
  }
}
