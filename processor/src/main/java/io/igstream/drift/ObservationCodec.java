package io.igstream.drift;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compact binary form of timed observations, kept as pending entries in the stream's stores. */
public final class ObservationCodec {

  /** An observation with its event time. */
  public record Timed(long eventTimeMs, Observation observation) {}

  /** A compact binary form (names written once per batch), for pending entries in stores. */
  public byte[] toBytes(List<Timed> batch) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      List<String> names = new ArrayList<>();
      Map<String, Integer> index = new LinkedHashMap<>();
      for (Timed t : batch) {
        for (String n : t.observation().attributions().keySet()) {
          index.computeIfAbsent(
              n,
              k -> {
                names.add(k);
                return names.size() - 1;
              });
        }
        for (String n : t.observation().values().keySet()) {
          index.computeIfAbsent(
              n,
              k -> {
                names.add(k);
                return names.size() - 1;
              });
        }
      }
      out.writeInt(names.size());
      for (String n : names) {
        out.writeUTF(n);
      }
      out.writeInt(batch.size());
      for (Timed t : batch) {
        Observation o = t.observation();
        out.writeLong(t.eventTimeMs());
        writeMap(out, o.values(), index);
        writeMap(out, o.attributions(), index);
        out.writeInt(o.predictedClass() == null ? Integer.MIN_VALUE : o.predictedClass());
        out.writeDouble(o.prediction());
        out.writeDouble(o.approximationError() == null ? Double.NaN : o.approximationError());
        out.writeBoolean(o.approximationError() != null);
        out.writeUTF(o.explainerHash());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public List<Timed> fromBytes(byte[] data) {
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(data))) {
      int nameCount = in.readInt();
      List<String> names = new ArrayList<>(nameCount);
      for (int i = 0; i < nameCount; i++) {
        names.add(in.readUTF());
      }
      int n = in.readInt();
      List<Timed> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long t = in.readLong();
        Map<String, Double> values = readMap(in, names);
        Map<String, Double> attributions = readMap(in, names);
        int c = in.readInt();
        double p = in.readDouble();
        double e = in.readDouble();
        boolean hasError = in.readBoolean();
        String hash = in.readUTF();
        out.add(
            new Timed(
                t,
                new Observation(
                    values,
                    attributions,
                    c == Integer.MIN_VALUE ? null : c,
                    p,
                    hasError ? e : null,
                    hash)));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt observation batch: " + e.getMessage(), e);
    }
  }

  private static void writeMap(
      java.io.DataOutputStream out, Map<String, Double> map, Map<String, Integer> index)
      throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, Double> e : map.entrySet()) {
      out.writeInt(index.get(e.getKey()));
      out.writeDouble(e.getValue());
    }
  }

  private static Map<String, Double> readMap(java.io.DataInputStream in, List<String> names)
      throws IOException {
    int n = in.readInt();
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(names.get(in.readInt()), in.readDouble());
    }
    return out;
  }
}
