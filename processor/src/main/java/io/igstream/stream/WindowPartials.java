package io.igstream.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.drift.Baseline;
import io.igstream.drift.ObservationCodec;
import io.igstream.drift.SummaryLayout;
import io.igstream.drift.WindowState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * First summary stage, beside the micro-batcher of the same (model, version, shard): collects each
 * explained event into the partial state of its event-time window in a changelogged store, and when
 * a window closes (the shard's event time has passed its end plus the grace period) writes the
 * partial to the partials topic keyed by model version, where {@link SummaryMerger} combines the
 * shards. Events later than that are counted as late in the shard's current window.
 *
 * <p>A window's state holds sketches of every feature, hundreds of KB: rewriting it at every commit
 * would multiply changelog traffic. So each batch's observations are appended as a small pending
 * entry (about the size of the events themselves) and folded into the window state every few
 * seconds and at close; both live in the same store and transaction, so nothing is lost or counted
 * twice across a crash.
 *
 * <p>An idle shard's clock advances with the wall clock, so its windows still close; each close
 * also reports the shard's watermark, so the merger knows when every shard is done with a window.
 */
final class WindowPartials implements Processor<String, ObservationBatch, String, String> {

  static final String STORE = "igstream-summary-partials";
  static final String TO_PARTIALS = "to-summary-partials";

  private static final char WINDOW = '\u0001';
  private static final char CLOCK = '\u0002';
  private static final char PENDING = '\u0003';

  /** How often pending entries are folded in, whatever the window size (and at every close). */
  static final long COMPACT_EVERY_MS = 5000;

  private final SummarySettings settings;
  private final SummaryReferences references;
  private final DriftMetrics metrics;
  private final ObservationCodec codec = new ObservationCodec();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Clock> clocks = new HashMap<>();
  private final Set<String> pendingGroups = new HashSet<>();
  private final Map<Baseline, SummaryLayout> layouts = new IdentityHashMap<>();
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, byte[]> store;
  private long lastCompactionMs;

  WindowPartials(SummarySettings settings, SummaryReferences references, DriftMetrics metrics) {
    this.settings = settings;
    this.references = references;
    this.metrics = metrics;
  }

  /**
   * A shard's progress: the largest event time seen, the end of the last window it closed, the
   * wall-clock time of its last event (the clock advances with the wall clock after it), and the
   * sequence number of its next pending entry.
   */
  private record Clock(long maxEventMs, long closedUpToMs, long lastEventWallMs, long nextSeq) {
    byte[] bytes() {
      return ByteBuffer.allocate(32)
          .putLong(maxEventMs)
          .putLong(closedUpToMs)
          .putLong(lastEventWallMs)
          .putLong(nextSeq)
          .array();
    }

    static Clock of(byte[] b) {
      ByteBuffer buffer = ByteBuffer.wrap(b);
      return new Clock(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    long effectiveMs(long wallNow) {
      return maxEventMs + Math.max(0, wallNow - lastEventWallMs);
    }
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    clocks.clear();
    pendingGroups.clear();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> e = all.next();
        int clock = e.key.indexOf(CLOCK);
        int pending = e.key.indexOf(PENDING);
        if (clock >= 0) {
          // Time spent down (or on another host's clock) is not event time passing: restart the
          // wall-clock advance from now.
          Clock restored = Clock.of(e.value);
          clocks.put(
              e.key.substring(0, clock),
              new Clock(
                  restored.maxEventMs(),
                  restored.closedUpToMs(),
                  context.currentSystemTimeMs(),
                  restored.nextSeq()));
        } else if (pending >= 0) {
          pendingGroups.add(e.key.substring(0, pending));
        }
      }
    }
    long interval = Math.max(100, Math.min(1000, settings.window().toMillis() / 4));
    context.schedule(
        Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void process(Record<String, ObservationBatch> record) {
    String group = record.key();
    long wallNow = context.currentSystemTimeMs();
    Clock clock = clocks.get(group);
    List<ObservationCodec.Timed> batch = record.value().observations();
    long maxEvent = clock == null ? Long.MIN_VALUE : clock.maxEventMs();
    for (ObservationCodec.Timed t : batch) {
      maxEvent = Math.max(maxEvent, t.eventTimeMs());
    }
    if (maxEvent == EventTimes.UNTIMED) {
      maxEvent = wallNow;
    }
    long closedUpTo = clock == null ? Long.MIN_VALUE : clock.closedUpToMs();
    // The first window still open: untimed events and late counts go there.
    long current =
        closedUpTo == Long.MIN_VALUE
            ? settings.windowStart(maxEvent)
            : Math.max(settings.windowStart(maxEvent), closedUpTo);
    long seq = clock == null ? 0 : clock.nextSeq();
    Map<Long, List<ObservationCodec.Timed>> byWindow = new TreeMap<>();
    long late = 0;
    for (ObservationCodec.Timed t : batch) {
      long start =
          t.eventTimeMs() == EventTimes.UNTIMED ? current : settings.windowStart(t.eventTimeMs());
      if (start + settings.window().toMillis() <= closedUpTo) {
        late++;
      } else {
        byWindow.computeIfAbsent(start, s -> new ArrayList<>()).add(t);
      }
    }
    for (Map.Entry<Long, List<ObservationCodec.Timed>> e : byWindow.entrySet()) {
      store.put(pendingKey(group, e.getKey(), seq++), pendingValue(0, codec.toBytes(e.getValue())));
    }
    if (late > 0) {
      // Counted in the shard's current window, so the next summary reports them.
      // Into the first window still open (the one of the newest event may have closed already).
      store.put(pendingKey(group, current, seq++), pendingValue(late, new byte[0]));
      metrics.late("partial", late);
    }
    pendingGroups.add(group);
    Clock updated = new Clock(maxEvent, closedUpTo, wallNow, seq);
    clocks.put(group, updated);
    store.put(group + CLOCK, updated.bytes());
    close(group, updated, maxEvent, wallNow);
  }

  private void onWallClock(long wallNow) {
    // Fold pending entries every few seconds: often enough to keep them few, rarely enough that
    // the big window states are rewritten a few times a minute, not at every commit.
    long every = COMPACT_EVERY_MS;
    if (wallNow - lastCompactionMs >= every) {
      lastCompactionMs = wallNow;
      for (String group : new ArrayList<>(pendingGroups)) {
        compact(group);
      }
    }
    for (Map.Entry<String, Clock> e : new ArrayList<>(clocks.entrySet())) {
      close(e.getKey(), e.getValue(), e.getValue().effectiveMs(wallNow), wallNow);
    }
  }

  /** Folds a shard's pending entries into its window states. */
  private void compact(String group) {
    if (!pendingGroups.remove(group)) {
      return;
    }
    List<KeyValue<String, byte[]>> pending = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(group + PENDING, new StringSerializer())) {
      it.forEachRemaining(pending::add);
    }
    if (pending.isEmpty()) {
      return;
    }
    String[] parts = group.split("\\|", 3);
    SummaryLayout layout =
        references
            .baseline(parts[0], parts[1])
            .map(located -> layoutOf(located.baseline()))
            .orElse(SummaryLayout.NONE);
    Map<Long, WindowState> touched = new TreeMap<>();
    for (KeyValue<String, byte[]> entry : pending) {
      String rest = entry.key.substring(group.length() + 1);
      long start = Long.parseLong(rest.substring(0, rest.indexOf(PENDING)));
      WindowState state = touched.computeIfAbsent(start, s -> load(group, s, layout));
      ByteBuffer value = ByteBuffer.wrap(entry.value);
      long late = value.getLong();
      byte[] observations = new byte[value.remaining()];
      value.get(observations);
      if (late > 0) {
        state.addLate(late);
      }
      if (observations.length > 0) {
        List<ObservationCodec.Timed> batch = codec.fromBytes(observations);
        if (state.layoutId().equals(layout.id())) {
          batch.forEach(t -> state.add(t.observation(), layout));
        } else {
          // The baseline was replaced while this window was open: parts on other bins merge
          // without their counts.
          WindowState part = WindowState.empty(layout);
          batch.forEach(t -> part.add(t.observation(), layout));
          state.merge(part);
        }
      }
      store.delete(entry.key);
    }
    touched.forEach((start, state) -> store.put(windowKey(group, start), state.toBytes()));
  }

  /** A baseline's layout, computed once per loaded baseline (it hashes the whole state). */
  private SummaryLayout layoutOf(Baseline baseline) {
    if (layouts.size() > 64) {
      layouts.clear();
    }
    return layouts.computeIfAbsent(baseline, Baseline::layout);
  }

  private WindowState load(String group, long start, SummaryLayout layout) {
    byte[] bytes = store.get(windowKey(group, start));
    return bytes == null ? WindowState.empty(layout) : WindowState.fromBytes(bytes);
  }

  /** Closes every window whose end plus grace the shard's clock has passed. */
  private void close(String group, Clock clock, long clockMs, long wallNow) {
    long size = settings.window().toMillis();
    long closable = Math.floorDiv(clockMs - settings.grace().toMillis(), size) * size;
    if (clockMs == Long.MIN_VALUE || closable <= clock.closedUpToMs()) {
      return;
    }
    compact(group);
    String[] parts = group.split("\\|", 3);
    List<KeyValue<String, byte[]>> windows = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(group + WINDOW, new StringSerializer())) {
      it.forEachRemaining(windows::add);
    }
    boolean emitted = false;
    boolean open = false;
    for (KeyValue<String, byte[]> w : windows) {
      long start = Long.parseLong(w.key.substring(w.key.indexOf(WINDOW) + 1));
      if (start + size <= closable) {
        emit(parts, start, closable, WindowState.fromBytes(w.value), false);
        store.delete(w.key);
        emitted = true;
      } else {
        open = true;
      }
    }
    // A shard idle for a whole window and its grace retires: the merger stops waiting for it.
    boolean retire =
        !open && wallNow - clock.lastEventWallMs() >= size + settings.grace().toMillis();
    if (!emitted || retire) {
      emit(parts, Long.MIN_VALUE, closable, null, retire);
    }
    if (retire) {
      clocks.remove(group);
      store.delete(group + CLOCK);
    } else {
      Clock moved =
          new Clock(clock.maxEventMs(), closable, clock.lastEventWallMs(), clock.nextSeq());
      clocks.put(group, moved);
      store.put(group + CLOCK, moved.bytes());
    }
  }

  private void emit(
      String[] parts, long start, long watermark, WindowState state, boolean retired) {
    ObjectNode node = json.createObjectNode();
    node.put("model", parts[0]);
    node.put("version", parts[1]);
    node.put("shard", parts[2]);
    node.put("watermark", watermark);
    node.put("retired", retired);
    if (state != null) {
      node.put("window_start", start);
      node.put("window_end", start + settings.window().toMillis());
      node.put("state", Base64.getEncoder().encodeToString(state.toBytes()));
    }
    context.forward(
        new Record<>(parts[0] + "|" + parts[1], node.toString(), context.currentSystemTimeMs()),
        TO_PARTIALS);
  }

  private static byte[] pendingValue(long late, byte[] observations) {
    return ByteBuffer.allocate(8 + observations.length).putLong(late).put(observations).array();
  }

  private static String windowKey(String group, long start) {
    return group + WINDOW + String.format("%020d", start);
  }

  private static String pendingKey(String group, long start, long seq) {
    return group + PENDING + String.format("%020d", start) + PENDING + String.format("%019d", seq);
  }
}
