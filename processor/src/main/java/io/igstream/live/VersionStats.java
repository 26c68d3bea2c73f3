package io.igstream.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the view tracks for one model version, all bounded. Not thread-safe: {@link LiveState}
 * guards it.
 */
final class VersionStats {

  static final int WINDOWS = 12;
  static final int ALERTS = 20;
  static final int SAMPLES = 500;

  /** Stages come from a fixed list; the cap only guards against a record that breaks it. */
  static final int STAGES = 16;

  private final VersionKey key;
  private long explained;
  private final Map<String, Long> deadLettered = new TreeMap<>();
  private final SecondBuckets arrivals = new SecondBuckets();
  private final RecentValues latencyMillis = new RecentValues(SAMPLES);
  private final RecentValues approximationError = new RecentValues(SAMPLES);
  private boolean image;
  private final TreeMap<String, WindowDigest> windows = new TreeMap<>();
  private final Deque<JsonNode> alerts = new ArrayDeque<>();

  VersionStats(VersionKey key) {
    this.key = key;
  }

  void explained(long arrivalMillis, double latency, double error, boolean imageInput) {
    explained++;
    arrivals.add(arrivalMillis);
    latencyMillis.add(latency);
    approximationError.add(error);
    image |= imageInput;
  }

  void deadLettered(String stage, long arrivalMillis) {
    count(deadLettered, stage);
    arrivals.add(arrivalMillis);
  }

  static void count(Map<String, Long> byStage, String stage) {
    String bucket = byStage.containsKey(stage) || byStage.size() < STAGES ? stage : "other";
    byStage.merge(bucket, 1L, Long::sum);
  }

  /**
   * Keeps the newest {@value #WINDOWS} windows. A record for a window already held replaces it (a
   * window summarised again, e.g. with late events, says the latest word on it).
   */
  void summary(WindowDigest digest) {
    windows.put(digest.start(), digest);
    while (windows.size() > WINDOWS) {
      windows.pollFirstEntry();
    }
  }

  void alert(JsonNode alert) {
    alerts.addFirst(alert);
    while (alerts.size() > ALERTS) {
      alerts.removeLast();
    }
  }

  int windowCount() {
    return windows.size();
  }

  int alertCount() {
    return alerts.size();
  }

  ObjectNode toJson(ObjectNode out, double sampling, long nowMillis) {
    out.put("model", key.model());
    out.put("version", key.version());
    out.put("explained", explained);
    ObjectNode dead = out.putObject("dead_lettered");
    deadLettered.forEach(dead::put);
    Json.number(out, "events_per_second", arrivals.perSecond(nowMillis));
    Json.number(out, "sampling", sampling);
    Json.number(out, "latency_p95_ms", latencyMillis.percentile(0.95));
    ObjectNode error = out.putObject("approximation_error");
    Json.number(error, "mean", approximationError.mean());
    Json.number(error, "p95", approximationError.percentile(0.95));
    out.put("image", image);
    ArrayNode importance = out.putArray("importance");
    for (WindowDigest w : windows.values()) {
      ObjectNode window = importance.addObject();
      window.put("window_start", w.start());
      window.put("window_end", w.end());
      ArrayNode features = window.putArray("features");
      for (WindowDigest.Share share : w.importance()) {
        ObjectNode f = features.addObject();
        f.put("feature", share.feature());
        Json.number(f, "share", share.share());
      }
    }
    grid(out.putObject("grid"));
    ArrayNode list = out.putArray("alerts");
    for (JsonNode alert : alerts) {
      ObjectNode a = list.addObject();
      a.put("window_start", alert.path("window").path("start").asText(null));
      a.put("window_end", alert.path("window").path("end").asText(null));
      for (String field : List.of("comparison", "objective", "feature", "algorithm", "status")) {
        a.put(field, alert.path(field).asText(null));
      }
      Json.number(a, "value", WindowDigest.number(alert.path("value")));
      Json.number(a, "threshold", WindowDigest.number(alert.path("threshold")));
      a.put("sentence", alert.path("message").asText(null));
      a.put("alert_id", alert.path("alert_id").asText(null));
      a.put("raised_at", alert.path("raised_at").asText(null));
    }
    return out;
  }

  private void grid(ObjectNode grid) {
    List<String> starts = new ArrayList<>(windows.keySet());
    TreeSet<String> features = new TreeSet<>();
    windows.values().forEach(w -> features.addAll(w.cells().keySet()));
    ArrayNode ws = grid.putArray("windows");
    starts.forEach(ws::add);
    ArrayNode fs = grid.putArray("features");
    features.forEach(fs::add);
    ArrayNode value = grid.putArray("value");
    ArrayNode attribution = grid.putArray("attribution");
    for (String feature : features) {
      ArrayNode valueRow = value.addArray();
      ArrayNode attributionRow = attribution.addArray();
      for (String start : starts) {
        WindowDigest.FeatureCells cells = windows.get(start).cells().get(feature);
        cell(valueRow, cells == null ? null : cells.value());
        cell(attributionRow, cells == null ? null : cells.attribution());
      }
    }
  }

  private static void cell(ArrayNode row, WindowDigest.Cell cell) {
    if (cell == null) {
      row.addNull();
      return;
    }
    ObjectNode out = row.addObject();
    entry(out, "skew", cell.skew());
    entry(out, "drift", cell.drift());
  }

  private static void entry(ObjectNode out, String name, WindowDigest.Entry entry) {
    if (entry == null) {
      out.putNull(name);
      return;
    }
    ObjectNode e = out.putObject(name);
    e.put("algorithm", entry.algorithm());
    Json.number(e, "score", entry.score());
    e.put("status", entry.status());
  }
}
