package io.igstream.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The statistics of one window (or of a part of it, or of a training baseline): per feature the
 * values and the attributions, the predictions, the approximation errors, how many events it counts
 * and how many late events were counted with it. Partial windows merge by addition.
 */
public final class WindowState {

  private static final int FORMAT = 1;

  /** A feature's two quantities. */
  public record FeatureState(FeatureSketch value, FeatureSketch attribution) {}

  /** The layout id of a window whose parts were counted on different baselines. */
  public static final String MIXED = "mixed";

  private String layoutId;
  private final Map<String, FeatureState> features = new TreeMap<>();
  private final TreeSet<String> explainerHashes = new TreeSet<>();
  private FeatureSketch prediction;
  private boolean classes;
  private final FeatureSketch error;
  private long events;
  private long late;

  private WindowState(String layoutId, FeatureSketch prediction, FeatureSketch error) {
    this.layoutId = layoutId;
    this.prediction = prediction;
    this.error = error;
  }

  /** An empty window counting on the given layout's bins. */
  public static WindowState empty(SummaryLayout layout) {
    return new WindowState(
        layout.id(),
        new FeatureSketch(layout.prediction()),
        new FeatureSketch(SummaryLayout.ERROR_BINS));
  }

  /** Adds one explained event. */
  public void add(Observation o, SummaryLayout layout) {
    if (!layout.id().equals(layoutId)) {
      throw new IllegalArgumentException("this window counts on other bins");
    }
    events++;
    explainerHashes.add(o.explainerHash());
    for (Map.Entry<String, Double> e : o.attributions().entrySet()) {
      String name = e.getKey();
      FeatureState state =
          features.computeIfAbsent(
              name,
              n ->
                  new FeatureState(
                      new FeatureSketch(layout.values().get(n)),
                      new FeatureSketch(layout.attributions().get(n))));
      state.value().add(o.values().getOrDefault(name, Double.NaN));
      state.attribution().add(e.getValue());
    }
    classes |= o.predictedClass() != null;
    prediction.add(o.predictedClass() != null ? o.predictedClass() : o.prediction());
    error.add(o.approximationError() == null ? Double.NaN : o.approximationError());
  }

  /** Counts late events (past the grace period of their own window) with this window. */
  public void addLate(long count) {
    late += count;
  }

  /** Adds another part of the same window; both must count on the same bins. */
  public void merge(WindowState other) {
    if (!other.layoutId.equals(layoutId)) {
      // A baseline replaced mid-window: the parts' counts do not add up, their sketches do.
      dropBins();
      other = other.copyWithoutBins();
    }
    for (Map.Entry<String, FeatureState> e : other.features.entrySet()) {
      FeatureState mine = features.get(e.getKey());
      if (mine == null) {
        features.put(
            e.getKey(),
            new FeatureState(e.getValue().value().copy(), e.getValue().attribution().copy()));
      } else {
        mine.value().merge(e.getValue().value());
        mine.attribution().merge(e.getValue().attribution());
      }
    }
    explainerHashes.addAll(other.explainerHashes);
    prediction.merge(other.prediction);
    classes |= other.classes;
    error.merge(other.error);
    events += other.events;
    late += other.late;
  }

  private void dropBins() {
    layoutId = MIXED;
    features.replaceAll(
        (name, f) -> new FeatureState(f.value().withoutBins(), f.attribution().withoutBins()));
    prediction = prediction.withoutBins();
  }

  private WindowState copyWithoutBins() {
    WindowState copy = fromBytes(toBytes());
    copy.dropBins();
    return copy;
  }

  public String layoutId() {
    return layoutId;
  }

  public Map<String, FeatureState> features() {
    return Collections.unmodifiableMap(features);
  }

  public FeatureSketch prediction() {
    return prediction;
  }

  /** Whether predictions are classes (categorical) rather than numbers. */
  public boolean predictsClasses() {
    return classes;
  }

  public FeatureSketch approximationError() {
    return error;
  }

  public long events() {
    return events;
  }

  public long lateEvents() {
    return late;
  }

  /** The explainer configurations seen; more than one means the window mixes configurations. */
  public java.util.SortedSet<String> explainerHashes() {
    return Collections.unmodifiableSortedSet(explainerHashes);
  }

  /** Global importance per feature: mean |attribution|. */
  public Map<String, Double> importance() {
    Map<String, Double> out = new TreeMap<>();
    // A feature without one finite attribution in the window has no importance to rank.
    features.forEach(
        (name, state) -> {
          double meanAbs = state.attribution().meanAbs();
          out.put(name, Double.isNaN(meanAbs) ? 0.0 : meanAbs);
        });
    return out;
  }

  /** Share of total importance per feature. */
  public Map<String, Double> shares() {
    Map<String, Double> importance = importance();
    double total = importance.values().stream().mapToDouble(v -> v.isNaN() ? 0 : v).sum();
    Map<String, Double> out = new TreeMap<>();
    importance.forEach((k, v) -> out.put(k, total > 0 ? v / total : Double.NaN));
    return out;
  }

  /** A compact binary form for state stores and the partials topic. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeUTF(layoutId);
      out.writeLong(events);
      out.writeLong(late);
      out.writeBoolean(classes);
      out.writeInt(explainerHashes.size());
      for (String h : explainerHashes) {
        out.writeUTF(h);
      }
      prediction.write(out);
      error.write(out);
      out.writeInt(features.size());
      for (Map.Entry<String, FeatureState> e : features.entrySet()) {
        out.writeUTF(e.getKey());
        e.getValue().value().write(out);
        e.getValue().attribution().write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads {@link #toBytes()}; a corrupt state is an error, never silently empty. */
  public static WindowState fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown window state format " + format);
      }
      String layoutId = in.readUTF();
      long events = in.readLong();
      long late = in.readLong();
      boolean classes = in.readBoolean();
      int hashes = in.readInt();
      TreeSet<String> seen = new TreeSet<>();
      for (int i = 0; i < hashes; i++) {
        seen.add(in.readUTF());
      }
      FeatureSketch prediction = FeatureSketch.read(in);
      FeatureSketch error = FeatureSketch.read(in);
      WindowState state = new WindowState(layoutId, prediction, error);
      state.events = events;
      state.late = late;
      state.classes = classes;
      state.explainerHashes.addAll(seen);
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        state.features.put(name, new FeatureState(FeatureSketch.read(in), FeatureSketch.read(in)));
      }
      return state;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt window state: " + e.getMessage(), e);
    }
  }
}
