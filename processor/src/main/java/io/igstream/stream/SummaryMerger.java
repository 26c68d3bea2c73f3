package io.igstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.drift.AlertTracker;
import io.igstream.drift.DriftPolicy;
import io.igstream.drift.WindowState;
import io.igstream.drift.WindowSummarizer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second summary stage, keyed by model version: merges the shards' partial windows, and when every
 * active shard has passed a window (or the merge wait has run out) writes one final summary for it
 * to the summaries topic, compared with the baseline (skew) and the previous window (drift), and
 * the alerts that the consecutive-window and cooldown rules let through. Partials arriving after
 * their window was summarised are counted as late in the next summary.
 */
final class SummaryMerger implements Processor<String, String, String, String> {

  static final String STORE = "igstream-summary-windows";
  static final String TO_SUMMARIES = "to-summaries";
  static final String TO_ALERTS = "to-alerts";

  private static final Logger LOG = LoggerFactory.getLogger(SummaryMerger.class);

  private final SummarySettings settings;

  /** Shards per model version, by model name: the keyer's own rule, so every one is waited for. */
  private final java.util.function.ToIntFunction<String> shardsOf;

  private final SummaryReferences references;
  private final DriftMetrics metrics;
  private final ObjectMapper json = new ObjectMapper();
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, byte[]> store;

  /** Versions with open windows or unreported late events: the punctuator looks at these only. */
  private final java.util.Set<String> waiting = new java.util.HashSet<>();

  private long startedWallMs;

  SummaryMerger(
      SummarySettings settings,
      java.util.function.ToIntFunction<String> shardsOf,
      SummaryReferences references,
      DriftMetrics metrics) {
    this.settings = settings;
    this.shardsOf = shardsOf;
    this.references = references;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.startedWallMs = context.currentSystemTimeMs();
    waiting.clear();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> e = it.next();
        MergerState state = MergerState.fromBytes(e.value);
        if (!state.open.isEmpty() || state.lateCarried > 0) {
          waiting.add(e.key);
        }
      }
    }
    long interval = Math.max(100, Math.min(1000, settings.mergeWait().toMillis() / 4));
    context.schedule(
        Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void process(Record<String, String> record) {
    String key = record.key();
    long wallNow = context.currentSystemTimeMs();
    JsonNode partial;
    try {
      partial = json.readTree(record.value());
    } catch (IOException e) {
      LOG.error("unreadable summary partial key={} skipped: {}", key, e.getMessage());
      return;
    }
    MergerState state = load(key);
    state.lastProgressWallMs = wallNow;
    String shard = partial.get("shard").asText();
    if (partial.get("retired").asBoolean()) {
      state.shards.remove(shard);
      state.retired.add(shard);
    } else {
      state.retired.remove(shard);
      state.shards.merge(
          shard,
          new MergerState.Shard(partial.get("watermark").asLong(), wallNow),
          (a, b) -> new MergerState.Shard(Math.max(a.watermarkMs(), b.watermarkMs()), wallNow));
    }
    if (partial.hasNonNull("state")) {
      WindowState part =
          WindowState.fromBytes(
              java.util.Base64.getDecoder().decode(partial.get("state").asText()));
      long start = partial.get("window_start").asLong();
      long end = partial.get("window_end").asLong();
      if (end <= state.summarisedUpToMs) {
        long late = part.events() + part.lateEvents();
        state.lateCarried += late;
        metrics.late("merge", late);
      } else {
        MergerState.Open open = state.open.get(start);
        if (open == null) {
          state.open.put(start, new MergerState.Open(part));
        } else {
          open.state().merge(part);
        }
      }
    }
    finishReady(key, state, wallNow);
    store.put(key, state.toBytes());
    track(key, state);
  }

  private void track(String key, MergerState state) {
    if (!state.open.isEmpty() || state.lateCarried > 0) {
      waiting.add(key);
    } else {
      waiting.remove(key);
    }
  }

  private void onWallClock(long wallNow) {
    for (String key : new ArrayList<>(waiting)) {
      byte[] bytes = store.get(key);
      if (bytes == null) {
        waiting.remove(key);
        continue;
      }
      MergerState state = MergerState.fromBytes(bytes);
      if (finishReady(key, state, wallNow)) {
        store.put(key, state.toBytes());
      }
      track(key, state);
    }
  }

  /**
   * Whether the version's shards have been quiet for the merge wait: measured from the last partial
   * that arrived (not from a window's first one), so a replay that is still catching up keeps its
   * shards' partials, and after a restart from the restart.
   */
  private boolean quietLongEnough(MergerState state, long wallNow) {
    return wallNow - Math.max(state.lastProgressWallMs, startedWallMs)
        >= settings.mergeWait().toMillis();
  }

  /** Summarises, in order, every open window that is complete or has waited long enough. */
  private boolean finishReady(String key, MergerState state, long wallNow) {
    long lastReady = Long.MIN_VALUE;
    int shardCount = shardsOf.applyAsInt(key.substring(0, key.indexOf('|')));
    for (Map.Entry<Long, MergerState.Open> e : state.open.entrySet()) {
      long end = e.getKey() + settings.window().toMillis();
      // Every shard that may hold events of this version must be past the window: a shard not
      // heard from yet may simply not have reached it. Retired shards (idle) are not waited for.
      boolean allShardsPast = true;
      for (int i = 0; i < shardCount; i++) {
        String shard = String.valueOf(i);
        MergerState.Shard s = state.shards.get(shard);
        if (!state.retired.contains(shard) && (s == null || s.watermarkMs() < end)) {
          allShardsPast = false;
        }
      }
      if (allShardsPast || quietLongEnough(state, wallNow)) {
        lastReady = e.getKey();
      }
    }
    if (lastReady == Long.MIN_VALUE) {
      if (state.open.isEmpty()
          && state.lateCarried > 0
          && state.summarisedUpToMs != Long.MIN_VALUE
          && quietLongEnough(state, wallNow)) {
        // Traffic stopped after late partials: report them in an empty next window rather than
        // hold them until traffic resumes.
        String[] parts = key.split("\\|", 2);
        summarise(
            parts[0],
            parts[1],
            state.summarisedUpToMs,
            WindowState.empty(io.igstream.drift.SummaryLayout.NONE),
            state,
            wallNow);
        return true;
      }
      return false;
    }
    String[] parts = key.split("\\|", 2);
    while (!state.open.isEmpty() && state.open.firstKey() <= lastReady) {
      Map.Entry<Long, MergerState.Open> first = state.open.pollFirstEntry();
      summarise(parts[0], parts[1], first.getKey(), first.getValue().state(), state, wallNow);
    }
    return true;
  }

  private void summarise(
      String model,
      String version,
      long start,
      WindowState window,
      MergerState state,
      long wallNow) {
    long end = start + settings.window().toMillis();
    WindowSummarizer.WindowKey key = new WindowSummarizer.WindowKey(model, version, start, end);
    DriftPolicy policy = references.policy(model);
    WindowSummarizer.Reference skew = skewReference(model, version, window);
    WindowSummarizer.Reference drift =
        WindowSummarizer.Reference.ofPrevious(state.previous, state.previousStartMs, window);
    WindowSummarizer.Result result =
        WindowSummarizer.summarise(key, window, skew, drift, policy, state.lateCarried);
    state.lateCarried = 0;
    AlertTracker tracker = state.tracker;
    List<ObjectNode> alerts =
        tracker.observe(key, settings.window().toMillis(), result.crossings(), policy);
    ObjectNode summary = result.summary();
    summary.put("summarised_at", Instant.ofEpochMilli(wallNow).toString());
    summary.put("alerts", alerts.size());
    context.forward(new Record<>(model + "|" + version, summary.toString(), wallNow), TO_SUMMARIES);
    for (ObjectNode alert : alerts) {
      alert.put("raised_at", Instant.ofEpochMilli(wallNow).toString());
      context.forward(new Record<>(model + "|" + version, alert.toString(), wallNow), TO_ALERTS);
      LOG.warn(
          "drift alert model={} version={} objective={} feature={} algorithm={} value={}",
          model,
          version,
          alert.get("objective").asText(),
          alert.get("feature").asText(),
          alert.get("algorithm").asText(),
          alert.get("value").asDouble());
    }
    metrics.summarised(model, version, summary, alerts, wallNow - end);
    // Drift's reference moves on to this window unless it was too small to judge, or drifted
    // without an alert yet: then the next window is compared with the same reference, so that a
    // step change crosses in consecutive windows and alerts (a gradual drift does anyway).
    boolean driftCrossed =
        result.crossings().stream().anyMatch(c -> c.comparison().equals("drift"));
    boolean driftAlerted =
        alerts.stream().anyMatch(a -> a.get("comparison").asText().equals("drift"));
    if (window.events() >= policy.minEvents() && (!driftCrossed || driftAlerted)) {
      state.previous = window;
      state.previousStartMs = start;
    }
    state.summarisedUpToMs = end;
  }

  private WindowSummarizer.Reference skewReference(String model, String version, WindowState w) {
    return references
        .baseline(model, version)
        .map(found -> WindowSummarizer.Reference.ofBaseline(found.baseline(), found.scope(), w))
        .orElseGet(WindowSummarizer.Reference::noBaseline);
  }

  private MergerState load(String key) {
    byte[] bytes = store.get(key);
    return bytes == null ? new MergerState() : MergerState.fromBytes(bytes);
  }
}
