package io.igstream.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Replaces undefined statistics (NaN, infinities) by null, so records stay strict JSON. */
final class FiniteJson {

  private FiniteJson() {}

  static <T extends JsonNode> T sanitise(T node) {
    if (node instanceof ObjectNode object) {
      List<String> undefined = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        if (e.getValue().isNumber() && !Double.isFinite(e.getValue().asDouble())) {
          undefined.add(e.getKey());
        } else {
          sanitise(e.getValue());
        }
      }
      undefined.forEach(object::putNull);
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode v = array.get(i);
        if (v.isNumber() && !Double.isFinite(v.asDouble())) {
          array.set(i, array.nullNode());
        } else {
          sanitise(v);
        }
      }
    }
    return node;
  }
}
