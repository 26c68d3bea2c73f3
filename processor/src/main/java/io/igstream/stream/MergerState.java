package io.igstream.stream;

import io.igstream.drift.AlertTracker;
import io.igstream.drift.WindowState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the merger keeps per model version: each shard's watermark, the windows still open, the last
 * summarised window (drift's reference), late events to report next, and the alert streaks.
 */
final class MergerState {

  private static final int FORMAT = 1;

  /** A shard's progress and when it was last heard from. */
  record Shard(long watermarkMs, long heardWallMs) {}

  /** A window being merged. */
  record Open(WindowState state) {}

  final Map<String, Shard> shards = new TreeMap<>();
  final java.util.TreeSet<String> retired = new java.util.TreeSet<>();
  final TreeMap<Long, Open> open = new TreeMap<>();
  WindowState previous;
  long previousStartMs;
  long summarisedUpToMs = Long.MIN_VALUE;
  long lateCarried;
  long lastProgressWallMs;
  AlertTracker tracker = new AlertTracker();

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(shards.size());
      for (Map.Entry<String, Shard> e : shards.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().watermarkMs());
        out.writeLong(e.getValue().heardWallMs());
      }
      out.writeInt(retired.size());
      for (String r : retired) {
        out.writeUTF(r);
      }
      out.writeInt(open.size());
      for (Map.Entry<Long, Open> e : open.entrySet()) {
        out.writeLong(e.getKey());
        writeBlob(out, e.getValue().state().toBytes());
      }
      out.writeBoolean(previous != null);
      if (previous != null) {
        out.writeLong(previousStartMs);
        writeBlob(out, previous.toBytes());
      }
      out.writeLong(summarisedUpToMs);
      out.writeLong(lateCarried);
      out.writeLong(lastProgressWallMs);
      writeBlob(out, tracker.toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static MergerState fromBytes(byte[] data) {
    MergerState s = new MergerState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != FORMAT) {
        throw new IllegalStateException("unknown summary merger state format");
      }
      int shards = in.readInt();
      for (int i = 0; i < shards; i++) {
        s.shards.put(in.readUTF(), new Shard(in.readLong(), in.readLong()));
      }
      int retired = in.readInt();
      for (int i = 0; i < retired; i++) {
        s.retired.add(in.readUTF());
      }
      int open = in.readInt();
      for (int i = 0; i < open; i++) {
        long start = in.readLong();
        s.open.put(start, new Open(WindowState.fromBytes(readBlob(in))));
      }
      if (in.readBoolean()) {
        s.previousStartMs = in.readLong();
        s.previous = WindowState.fromBytes(readBlob(in));
      }
      s.summarisedUpToMs = in.readLong();
      s.lateCarried = in.readLong();
      s.lastProgressWallMs = in.readLong();
      s.tracker = AlertTracker.fromBytes(readBlob(in));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt summary merger state: " + e.getMessage(), e);
    }
    return s;
  }

  private static void writeBlob(DataOutputStream out, byte[] blob) throws IOException {
    out.writeInt(blob.length);
    out.write(blob);
  }

  private static byte[] readBlob(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 256 * 1024 * 1024) {
      throw new IOException("corrupt blob length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
