package io.igstream.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compact JSON form of timed observations, passed between the stream's processors. */
public final class ObservationCodec {

  /** An observation with its event time. */
  public record Timed(long eventTimeMs, Observation observation) {}

  private final ObjectMapper json = new ObjectMapper();

  public String write(List<Timed> batch) {
    ArrayNode array = json.createArrayNode();
    for (Timed t : batch) {
      Observation o = t.observation();
      ObjectNode n = array.addObject();
      n.put("t", t.eventTimeMs());
      ObjectNode v = n.putObject("v");
      o.values().forEach(v::put);
      ObjectNode a = n.putObject("a");
      o.attributions().forEach(a::put);
      if (o.predictedClass() != null) {
        n.put("c", o.predictedClass());
      }
      n.put("p", o.prediction());
      if (o.approximationError() != null) {
        n.put("e", o.approximationError());
      }
      n.put("h", o.explainerHash());
    }
    return array.toString();
  }

  public List<Timed> read(String text) {
    try {
      List<Timed> out = new ArrayList<>();
      for (JsonNode n : json.readTree(text)) {
        out.add(
            new Timed(
                n.get("t").asLong(),
                new Observation(
                    numbers(n.get("v")),
                    numbers(n.get("a")),
                    n.has("c") ? n.get("c").asInt() : null,
                    n.get("p").asDouble(),
                    n.has("e") ? n.get("e").asDouble() : null,
                    n.get("h").asText())));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt observation batch: " + e.getMessage(), e);
    }
  }

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

  private static Map<String, Double> numbers(JsonNode node) {
    Map<String, Double> out = new LinkedHashMap<>();
    // NaN is written as a string by Jackson's default; asDouble reads it back as NaN.
    node.fields()
        .forEachRemaining(
            e ->
                out.put(
                    e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : Double.NaN));
    return out;
  }
}
