package io.igstream.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON helpers of the view: one mapper, and numbers that are finite or null, never NaN. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static void number(ObjectNode node, String field, Double value) {
    if (value == null || !Double.isFinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, value.doubleValue());
    }
  }

  static ObjectNode error(String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error", message);
    return node;
  }
}
