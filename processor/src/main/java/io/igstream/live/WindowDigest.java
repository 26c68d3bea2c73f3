package io.igstream.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the view keeps of one summary record: the features' shares of importance and, per feature,
 * the verdict of the alerting metric of each comparison. The whole record would be far larger.
 */
record WindowDigest(
    String start, String end, List<Share> importance, Map<String, FeatureCells> cells) {

  /** A feature's share of the window's mean |attribution|. */
  record Share(String feature, Double share) {}

  /** One comparison's alerting metric: its name, value (null when undefined) and verdict. */
  record Entry(String algorithm, Double score, String status) {}

  /** Skew and drift of one objective; either may be null when the record lacks it. */
  record Cell(Entry skew, Entry drift) {}

  /** A feature's cells for its values and its attributions. */
  record FeatureCells(Cell value, Cell attribution) {}

  static WindowDigest of(JsonNode summary) {
    List<Share> importance = new ArrayList<>();
    Map<String, FeatureCells> cells = new LinkedHashMap<>();
    for (JsonNode feature : summary.path("features")) {
      String name = feature.path("feature").asText();
      importance.add(new Share(name, number(feature.path("attribution").path("share"))));
      // As the drift metrics do: feature values are judged by their kind's primary distance,
      // attributions by Jensen-Shannon (l_infinity never counts for them).
      String primary =
          "categorical".equals(feature.path("kind").asText()) ? "l_infinity" : "jensen_shannon";
      cells.put(
          name,
          new FeatureCells(
              cell(feature, "value", primary), cell(feature, "attribution", "jensen_shannon")));
    }
    importance.sort(
        Comparator.comparing((Share s) -> s.share() == null ? -1.0 : s.share()).reversed());
    return new WindowDigest(
        summary.path("window").path("start").asText(),
        summary.path("window").path("end").asText(),
        List.copyOf(importance),
        cells);
  }

  private static Cell cell(JsonNode feature, String objective, String algorithm) {
    return new Cell(
        entry(feature.path("skew").path(objective), algorithm),
        entry(feature.path("drift").path(objective), algorithm));
  }

  private static Entry entry(JsonNode comparison, String algorithm) {
    if (!comparison.isObject()) {
      return null;
    }
    JsonNode metric = comparison.path(algorithm);
    // A comparison without reference has only its status (NO_BASELINE) and no metrics.
    String status =
        metric.path("status").isTextual()
            ? metric.path("status").asText()
            : comparison.path("status").asText(null);
    return new Entry(algorithm, number(metric.path("value")), status);
  }

  static Double number(JsonNode node) {
    return node.isNumber() && Double.isFinite(node.asDouble()) ? node.asDouble() : null;
  }
}
