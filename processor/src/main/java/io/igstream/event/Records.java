package io.igstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ResolvedTarget;
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
    return attribution(event, output, attributions, presentation, topFeatures, FeatureGroups.NONE);
  }

  /**
   * An attribution record with feature groups: each target gets {@code group_attributions}, and its
   * {@code top_features} ranks groups in place of their members.
   */
  public static ObjectNode attribution(
      PredictionEvent event,
      String output,
      List<Attribution> attributions,
      Map<String, InputPresentation> presentation,
      int topFeatures,
      FeatureGroups groups) {
    ObjectNode record = JSON.objectNode();
    record.put("event_id", event.eventId());
    record.put("model", event.model());
    record.put("version", event.version());
    if (event.eventTime() != null) {
      record.put("event_time", event.eventTime());
    }
    record.put("output", output);
    writeTarget(record, attributions.get(0), presentation, topFeatures, groups);
    if (attributions.size() > 1) {
      ArrayNode others = record.putArray("other_targets");
      for (Attribution other : attributions.subList(1, attributions.size())) {
        writeTarget(others.addObject(), other, presentation, topFeatures, groups);
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
      int topFeatures,
      FeatureGroups groups) {
    if (a.targetDescription() != null) {
      node.set("target", describe(a.targetDescription()));
    } else if (a.target() == null) {
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
    Map<String, DenseArray> shaped = new LinkedHashMap<>();
    Map<FeatureGroups.Member, String> membership = groups.membership();
    // Features that stand for themselves in top_features: those in no group.
    Map<String, Double> ungrouped = new LinkedHashMap<>();
    for (Map.Entry<String, DenseArray> entry : a.attributions().entrySet()) {
      InputPresentation how = presentation.get(entry.getKey());
      DenseArray value = entry.getValue();
      DenseArray inInputShape = how == null ? value : Shapes.sumTrailing(value, how.inputShape());
      shaped.put(entry.getKey(), inInputShape);
      byInput.set(entry.getKey(), JsonArrays.write(inInputShape));
      if (inInputShape != value) {
        if (layers == null) {
          layers = node.putObject("layer_attributions");
        }
        layers.set(entry.getKey(), JsonArrays.write(value));
      }
      // A layer input credited as one total (see Shapes.sumTrailing) has no channels to reduce.
      if (how != null
          && how.channelReducer() != null
          && !how.channelReducer().equals("none")
          && inInputShape.shape().length > 0) {
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
          if (!membership.containsKey(new FeatureGroups.Member(entry.getKey(), i))) {
            ungrouped.put(names.get(i), inInputShape.values()[i]);
          }
        }
      }
    }
    if (!named.isEmpty()) {
      ObjectNode features = node.putObject("feature_attributions");
      named.forEach(features::put);
    }
    Map<String, Double> grouped = groups.isEmpty() ? Map.of() : groups.attributions(shaped);
    if (!grouped.isEmpty()) {
      ObjectNode byGroup = node.putObject("group_attributions");
      grouped.forEach(byGroup::put);
    }
    if (!named.isEmpty() || !grouped.isEmpty()) {
      writeTop(node, grouped, ungrouped, topFeatures);
    }
  }

  /** Groups and ungrouped features ranked together by |attribution|; groups are marked. */
  private static void writeTop(
      ObjectNode node,
      Map<String, Double> grouped,
      Map<String, Double> ungrouped,
      int topFeatures) {
    record Ranked(String name, double attribution, boolean group) {}
    List<Ranked> ranked = new ArrayList<>();
    grouped.forEach((name, value) -> ranked.add(new Ranked(name, value, true)));
    ungrouped.forEach((name, value) -> ranked.add(new Ranked(name, value, false)));
    ranked.sort(Comparator.comparingDouble((Ranked r) -> -Math.abs(r.attribution())));
    ArrayNode top = node.putArray("top_features");
    for (Ranked entry : ranked.subList(0, Math.min(topFeatures, ranked.size()))) {
      ObjectNode item = top.addObject().put("feature", entry.name());
      item.put("attribution", entry.attribution());
      if (entry.group()) {
        item.put("group", true);
      }
    }
  }

  /** A function target as the record states it: its kind and parameters, e.g. the two classes. */
  private static ObjectNode describe(ResolvedTarget.Description description) {
    ObjectNode target = JSON.objectNode();
    target.put("kind", description.kind());
    description.parameters().forEach((key, value) -> target.set(key, value(value)));
    return target;
  }

  private static JsonNode value(Object value) {
    if (value instanceof List<?> list) {
      ArrayNode array = JSON.arrayNode();
      list.forEach(item -> array.add(value(item)));
      return array;
    }
    if (value instanceof Integer i) {
      return JSON.numberNode(i);
    }
    if (value instanceof Double d) {
      return JSON.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    return JSON.textNode(String.valueOf(value));
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
