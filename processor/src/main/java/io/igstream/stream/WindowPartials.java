package io.igstream.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.drift.ObservationCodec;
import io.igstream.drift.SummaryLayout;
import io.igstream.drift.WindowState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * First summary stage, beside the micro-batcher of the same (model, version, shard): adds each
 * explained event to the partial state of its event-time window in a changelogged store, and when a
 * window closes (the shard's event time has passed its end plus the grace period) writes the
 * partial to the partials topic keyed by model version, where {@link SummaryMerger} combines the
 * shards. Events later than that are counted as late in the shard's current window.
 *
 * <p>An idle shard's clock advances with the wall clock, so its windows still close; each close
 * also reports the shard's watermark, so the merger knows when every shard is done with a window.
 */
final class WindowPartials implements Processor<String, String, String, String> {

  static final String STORE = "igstream-summary-partials";
  static final String TO_PARTIALS = "to-summary-partials";

  private static final char WINDOW = '\u0001';
  private static final char CLOCK = '\u0002';

  private final SummarySettings settings;
  private final SummaryReferences references;
  private final DriftMetrics metrics;
  private final ObservationCodec codec = new ObservationCodec();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Clock> clocks = new HashMap<>();
  private final Map<Object, SummaryLayout> layouts = new java.util.IdentityHashMap<>();
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, byte[]> store;

  WindowPartials(SummarySettings settings, SummaryReferences references, DriftMetrics metrics) {
    this.settings = settings;
    this.references = references;
    this.metrics = metrics;
  }

  /**
   * A shard's progress: the largest event time seen, the end of the last window it closed, and the
   * wall-clock time of its last event (the clock advances with the wall clock after it).
   */
  private record Clock(long maxEventMs, long closedUpToMs, long lastEventWallMs) {
    byte[] bytes() {
      return ByteBuffer.allocate(24)
          .putLong(maxEventMs)
          .putLong(closedUpToMs)
          .putLong(lastEventWallMs)
          .array();
    }

    static Clock of(byte[] b) {
      ByteBuffer buffer = ByteBuffer.wrap(b);
      return new Clock(buffer.getLong(), buffer.getLong(), buffer.getLong());
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
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> e = all.next();
        int at = e.key.indexOf(CLOCK);
        if (at >= 0) {
          clocks.put(e.key.substring(0, at), Clock.of(e.value));
        }
      }
    }
    long interval = Math.max(100, Math.min(1000, settings.window().toMillis() / 4));
    context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
  }

  @Override
  public void process(Record<String, String> record) {
    String group = record.key();
    String[] parts = group.split("\\|", 3);
    long wallNow = context.currentSystemTimeMs();
    SummaryLayout layout =
        references
            .baseline(parts[0], parts[1])
            .map(located -> layoutOf(located.baseline()))
            .orElse(SummaryLayout.NONE);
    Clock clock = clocks.get(group);
    List<ObservationCodec.Timed> batch = codec.read(record.value());
    long maxEvent = clock == null ? Long.MIN_VALUE : clock.maxEventMs();
    for (ObservationCodec.Timed t : batch) {
      maxEvent = Math.max(maxEvent, t.eventTimeMs());
    }
    long closedUpTo = clock == null ? Long.MIN_VALUE : clock.closedUpToMs();
    Map<Long, WindowState> touched = new TreeMap<>();
    long late = 0;
    for (ObservationCodec.Timed t : batch) {
      long start = settings.windowStart(t.eventTimeMs());
      if (start + settings.window().toMillis() <= closedUpTo) {
        late++;
        continue;
      }
      WindowState state = touched.computeIfAbsent(start, s -> load(group, s, layout));
      if (state.layoutId().equals(layout.id())) {
        state.add(t.observation(), layout);
      } else {
        // The baseline changed while this window was open: merge as bin-less parts.
        WindowState fresh = WindowState.empty(layout);
        fresh.add(t.observation(), layout);
        state.merge(fresh);
      }
    }
    if (late > 0) {
      // Counted in the shard's current window, so the next summary reports them.
      long current = settings.windowStart(maxEvent);
      touched.computeIfAbsent(current, s -> load(group, s, layout)).addLate(late);
      metrics.late("partial", late);
    }
    touched.forEach((start, state) -> store.put(windowKey(group, start), state.toBytes()));
    Clock updated = new Clock(maxEvent, closedUpTo, wallNow);
    clocks.put(group, updated);
    store.put(group + CLOCK, updated.bytes());
    close(group, updated, maxEvent, wallNow);
  }

  /** A baseline's layout, computed once per loaded baseline (it hashes the whole state). */
  private SummaryLayout layoutOf(io.igstream.drift.Baseline baseline) {
    if (layouts.size() > 64) {
      layouts.clear();
    }
    return layouts.computeIfAbsent(baseline, b -> baseline.layout());
  }

  private WindowState load(String group, long start, SummaryLayout layout) {
    byte[] bytes = store.get(windowKey(group, start));
    return bytes == null ? WindowState.empty(layout) : WindowState.fromBytes(bytes);
  }

  private void closeIdle(long wallNow) {
    for (Map.Entry<String, Clock> e : new ArrayList<>(clocks.entrySet())) {
      close(e.getKey(), e.getValue(), e.getValue().effectiveMs(wallNow), wallNow);
    }
  }

  /** Closes every window whose end plus grace the shard's clock has passed. */
  private void close(String group, Clock clock, long clockMs, long wallNow) {
    long size = settings.window().toMillis();
    long closable = Math.floorDiv(clockMs - settings.grace().toMillis(), size) * size;
    if (clockMs == Long.MIN_VALUE || closable <= clock.closedUpToMs()) {
      return;
    }
    String[] parts = group.split("\\|", 3);
    List<KeyValue<String, byte[]>> windows = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it =
        store.prefixScan(group + WINDOW, new StringSerializer())) {
      while (it.hasNext()) {
        windows.add(it.next());
      }
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
      Clock moved = new Clock(clock.maxEventMs(), closable, clock.lastEventWallMs());
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

  private static String windowKey(String group, long start) {
    return group + WINDOW + String.format("%020d", start);
  }
}
