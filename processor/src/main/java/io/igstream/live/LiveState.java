package io.igstream.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The live view's picture of the stream, fed from the output topics and read by HTTP requests:
 * thread-safe (one lock; updates are small and snapshots cheap) and bounded in every dimension.
 */
public final class LiveState {

  static final int MAX_VERSIONS = 50;
  static final int MAX_INPUTS = 200;
  static final long MAX_INPUT_BYTES = 16L << 20;
  static final int MAX_RECORD_BYTES = 1 << 20;
  static final int TOP_FEATURES = 5;

  private final int recentLimit;
  private final ToDoubleFunction<String> sampling;
  // Access order: the least recently updated version is the one dropped past the bound.
  private final LinkedHashMap<VersionKey, VersionStats> versions =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<VersionKey, VersionStats> eldest) {
          return size() > MAX_VERSIONS;
        }
      };
  private final Map<String, Long> unattributed = new TreeMap<>();
  private final Deque<RecentEvent> recent = new ArrayDeque<>();
  private final InputStore inputs = new InputStore(MAX_INPUTS, MAX_INPUT_BYTES);

  /**
   * @param recentLimit recent events kept
   * @param sampling the configured sampling fraction of a model
   */
  public LiveState(int recentLimit, ToDoubleFunction<String> sampling) {
    this.recentLimit = recentLimit;
    this.sampling = sampling;
  }

  /**
   * An attribution record. {@code latencyMillis} is NaN when it means nothing (records replayed
   * from before the view started).
   */
  public synchronized void attribution(
      JsonNode record, Origin origin, long arrivalMillis, double latencyMillis, String raw) {
    String model = record.path("model").asText("");
    String version = record.path("version").asText("");
    Double error = WindowDigest.number(record.path("approximation_error"));
    stats(new VersionKey(model, version))
        .explained(
            arrivalMillis,
            latencyMillis,
            error == null ? Double.NaN : error,
            imageLike(record.path("attributions")));
    remember(
        new RecentEvent(
            record.path("event_id").asText(""),
            model,
            version,
            Instant.ofEpochMilli(origin.timestampMillis()).toString(),
            RecentEvent.Kind.ATTRIBUTION,
            topFeatures(record),
            error,
            null,
            null,
            origin,
            keepable(raw)));
  }

  /** A dead-letter record; one without a model is counted under {@code unattributed}. */
  public synchronized void deadLetter(
      JsonNode record, Origin origin, long arrivalMillis, String raw) {
    String stage = record.path("error").path("stage").asText("unknown");
    JsonNode model = record.path("model");
    String modelName = model.isTextual() && !model.asText().isEmpty() ? model.asText() : null;
    String version = record.path("version").asText("");
    if (modelName == null) {
      VersionStats.count(unattributed, stage);
    } else {
      stats(new VersionKey(modelName, version)).deadLettered(stage, arrivalMillis);
    }
    remember(
        new RecentEvent(
            record.path("event_id").asText(""),
            modelName,
            modelName == null ? null : version,
            Instant.ofEpochMilli(origin.timestampMillis()).toString(),
            RecentEvent.Kind.DEAD_LETTER,
            List.of(),
            null,
            stage,
            record.path("error").path("reason").asText(null),
            origin,
            keepable(raw)));
  }

  /** A summary record: its window's importance and drift grid. */
  public synchronized void summary(JsonNode record) {
    // A window that only carries late events has no statistics of its own to show.
    if (record.path("events").asLong(0) == 0 || !record.path("window").isObject()) {
      return;
    }
    stats(key(record)).summary(WindowDigest.of(record));
  }

  public synchronized void alert(JsonNode record) {
    stats(key(record)).alert(record);
  }

  /** A prediction event: its inputs are kept when they look like an image (rank >= 2). */
  public synchronized void input(JsonNode event) {
    JsonNode values = event.path("inputs");
    String id = event.path("event_id").asText(null);
    if (id == null || !values.isObject() || !imageLike(values)) {
      return;
    }
    String json = values.toString();
    if (json.length() < MAX_RECORD_BYTES) {
      inputs.put(id, json);
    }
  }

  /** Whether an event record is worth parsing for its inputs: cheap, before any parsing. */
  public static boolean mayCarryImage(String raw) {
    return raw.length() < MAX_RECORD_BYTES && raw.contains("\"inputs\"");
  }

  private static VersionKey key(JsonNode record) {
    return new VersionKey(record.path("model").asText(""), record.path("version").asText(""));
  }

  private VersionStats stats(VersionKey key) {
    return versions.computeIfAbsent(key, VersionStats::new);
  }

  private void remember(RecentEvent event) {
    recent.addFirst(event);
    while (recent.size() > recentLimit) {
      recent.removeLast();
    }
  }

  private static String keepable(String raw) {
    return raw != null && raw.length() < MAX_RECORD_BYTES ? raw : null;
  }

  /** True when any of the values is an array of arrays: an image, not a row of features. */
  static boolean imageLike(JsonNode named) {
    for (JsonNode value : named) {
      if (value.isArray() && value.size() > 0 && value.get(0).isArray()) {
        return true;
      }
    }
    return false;
  }

  private static List<RecentEvent.TopFeature> topFeatures(JsonNode record) {
    List<RecentEvent.TopFeature> top = new ArrayList<>();
    JsonNode listed = record.path("top_features");
    if (listed.isArray()) {
      for (JsonNode f : listed) {
        if (top.size() < TOP_FEATURES && f.path("attribution").isNumber()) {
          top.add(
              new RecentEvent.TopFeature(
                  f.path("feature").asText(), f.path("attribution").asDouble()));
        }
      }
      return top;
    }
    // Records without top_features: the largest |attribution| of the named features.
    record
        .path("feature_attributions")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNumber() && Double.isFinite(e.getValue().asDouble())) {
                top.add(new RecentEvent.TopFeature(e.getKey(), e.getValue().asDouble()));
              }
            });
    top.sort(
        Comparator.comparingDouble((RecentEvent.TopFeature f) -> Math.abs(f.attribution()))
            .reversed());
    return List.copyOf(top.subList(0, Math.min(TOP_FEATURES, top.size())));
  }

  /** The state as {@code /view/api/state} serves it; {@code model} null for all models. */
  public synchronized ObjectNode snapshot(String model, long nowMillis) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("generated_at", Instant.ofEpochMilli(nowMillis).toString());
    out.putObject("view").put("recent_limit", recentLimit);
    ArrayNode list = out.putArray("versions");
    new TreeMap<>(versions)
        .forEach(
            (key, stats) -> {
              if (model == null || model.equals(key.model())) {
                stats.toJson(list.addObject(), sampling.applyAsDouble(key.model()), nowMillis);
              }
            });
    ObjectNode dead = out.putObject("unattributed").putObject("dead_lettered");
    unattributed.forEach(dead::put);
    ArrayNode events = out.putArray("recent");
    for (RecentEvent e : recent) {
      if (model == null || model.equals(e.model())) {
        recentJson(events.addObject(), e);
      }
    }
    return out;
  }

  private static void recentJson(ObjectNode out, RecentEvent e) {
    out.put("event_id", e.eventId());
    out.put("model", e.model());
    out.put("version", e.version());
    out.put("time", e.time());
    out.put("kind", e.kind().json);
    ArrayNode top = out.putArray("top_features");
    for (RecentEvent.TopFeature f : e.topFeatures()) {
      ObjectNode t = top.addObject();
      t.put("feature", f.feature());
      Json.number(t, "attribution", f.attribution());
    }
    Json.number(out, "approximation_error", e.approximationError());
    out.put("stage", e.stage());
    out.put("reason", e.reason());
    out.put("detail", e.record() != null);
  }

  /**
   * The newest recent event with this id, as {@code /view/api/event} serves it; empty when it is
   * not among the recent events or its record was too large to keep.
   */
  public Optional<ObjectNode> event(String id) {
    RecentEvent found = null;
    String input;
    synchronized (this) {
      for (Iterator<RecentEvent> it = recent.iterator(); it.hasNext() && found == null; ) {
        RecentEvent e = it.next();
        if (e.eventId().equals(id) && e.record() != null) {
          found = e;
        }
      }
      input = inputs.get(id);
    }
    if (found == null) {
      return Optional.empty();
    }
    // Parsed outside the lock: the feed must not wait on a large record's parsing.
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("topic", found.origin().topic());
    out.put("partition", found.origin().partition());
    out.put("offset", found.origin().offset());
    out.put("kind", found.kind().json);
    try {
      out.set("record", Json.MAPPER.readTree(found.record()));
      out.set("input", input == null ? null : Json.MAPPER.readTree(input));
    } catch (JsonProcessingException e) {
      // Kept strings were parsed once already; should one not parse now, show it as text.
      out.put("record", found.record());
    }
    if (input == null) {
      out.putNull("input");
    }
    return Optional.of(out);
  }

  synchronized int versionCount() {
    return versions.size();
  }

  synchronized int recentCount() {
    return recent.size();
  }

  synchronized int inputCount() {
    return inputs.size();
  }

  synchronized long inputBytes() {
    return inputs.bytes();
  }

  synchronized int maxWindowsPerVersion() {
    return versions.values().stream().mapToInt(VersionStats::windowCount).max().orElse(0);
  }

  synchronized int maxAlertsPerVersion() {
    return versions.values().stream().mapToInt(VersionStats::alertCount).max().orElse(0);
  }
}
