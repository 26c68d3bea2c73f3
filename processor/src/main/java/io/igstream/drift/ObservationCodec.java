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
