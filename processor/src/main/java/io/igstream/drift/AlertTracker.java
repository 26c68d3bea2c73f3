package io.igstream.drift;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which crossings become alerts, so alerts do not flap: a condition must cross in the
 * configured number of consecutive windows (skew 1, drift 2 by default), and after an alert the
 * same condition stays quiet for the cooldown. One tracker per model version; its state is kept
 * with the version's summary state.
 */
public final class AlertTracker {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** A condition's streak and when it may alert again. */
  private record Streak(int windows, long lastWindowEndMs, long quietUntilMs) {}

  private final Map<String, Streak> streaks = new TreeMap<>();

  /**
   * Feeds one closed window's crossings; returns the alert records to publish.
   *
   * @param windowMs the window size, to tell consecutive windows from a gap
   */
  public List<ObjectNode> observe(
      WindowSummarizer.WindowKey key, long windowMs, List<Crossing> crossings, DriftPolicy policy) {
    List<ObjectNode> alerts = new ArrayList<>();
    Set<String> crossed = new HashSet<>();
    for (Crossing c : crossings) {
      String id = c.key();
      if (!crossed.add(id)) {
        continue;
      }
      Streak before = streaks.get(id);
      boolean continues = before != null && before.lastWindowEndMs() == key.startMs();
      int windows = continues ? before.windows() + 1 : 1;
      long quietUntil = before == null ? Long.MIN_VALUE : before.quietUntilMs();
      int required = c.comparison().equals("drift") ? policy.driftWindows() : policy.skewWindows();
      if (windows >= required && key.endMs() > quietUntil) {
        alerts.add(record(key, c, windows));
        quietUntil = key.endMs() + policy.cooldownWindows() * windowMs;
      }
      streaks.put(id, new Streak(windows, key.endMs(), quietUntil));
    }
    // A condition that did not cross this window starts its streak again; its cooldown stays.
    streaks.replaceAll(
        (id, s) -> crossed.contains(id) ? s : new Streak(0, s.lastWindowEndMs(), s.quietUntilMs()));
    streaks
        .entrySet()
        .removeIf(e -> e.getValue().windows() == 0 && e.getValue().quietUntilMs() < key.endMs());
    return alerts;
  }

  private static ObjectNode record(WindowSummarizer.WindowKey key, Crossing c, int windows) {
    ObjectNode a = JSON.objectNode();
    a.put(
        "alert_id",
        key.model()
            + "|"
            + key.version()
            + "|"
            + Instant.ofEpochMilli(key.endMs())
            + "|"
            + c.key());
    a.put("model", key.model());
    a.put("version", key.version());
    a.putObject("window")
        .put("start", Instant.ofEpochMilli(key.startMs()).toString())
        .put("end", Instant.ofEpochMilli(key.endMs()).toString());
    a.put("comparison", c.comparison());
    a.put("objective", c.objective());
    if (c.feature() == null) {
      a.putNull("feature");
    } else {
      a.put("feature", c.feature());
    }
    a.put("algorithm", c.algorithm());
    a.put("value", c.value());
    a.put("threshold", c.threshold());
    a.put("consecutive_windows", windows);
    a.put("status", Status.ALERT.name());
    a.put("message", c.sentence());
    return a;
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(streaks.size());
      for (Map.Entry<String, Streak> e : streaks.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().windows());
        out.writeLong(e.getValue().lastWindowEndMs());
        out.writeLong(e.getValue().quietUntilMs());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static AlertTracker fromBytes(byte[] data) {
    AlertTracker tracker = new AlertTracker();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        tracker.streaks.put(in.readUTF(), new Streak(in.readInt(), in.readLong(), in.readLong()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("corrupt alert state: " + e.getMessage(), e);
    }
    return tracker;
  }
}
