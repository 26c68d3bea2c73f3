package io.igstream.stream;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Dead-letter records: the error record's fields plus the original payload and where it was
 * consumed, so that an operator can fix and replay it.
 */
final class DeadLetters {

  private DeadLetters() {}

  static String record(
      String eventId,
      String model,
      String version,
      String stage,
      String reason,
      String payload,
      String topic,
      int partition,
      long offset,
      long nowMs) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (eventId == null) {
      node.putNull("event_id");
    } else {
      node.put("event_id", eventId);
    }
    if (model != null) {
      node.put("model", model);
    }
    if (version != null) {
      node.put("version", version);
    }
    node.putObject("error").put("stage", stage).put("reason", reason);
    node.putObject("source").put("topic", topic).put("partition", partition).put("offset", offset);
    node.put("payload", payload);
    node.put("failed_at", Instant.ofEpochMilli(nowMs).toString());
    return node.toString();
  }
}
