package io.igstream.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.drift.Observation;

/** What became of one event: an attribution record, or a failure with its stage and reason. */
public sealed interface Outcome {

  /** The event id, when one could be read. */
  String eventId();

  /**
   * An attribution record ready to be written, and what the drift summaries keep of it (null where
   * no summary applies).
   */
  record Explained(String eventId, ObjectNode record, Observation observation) implements Outcome {

    public Explained(String eventId, ObjectNode record) {
      this(eventId, record, null);
    }
  }

  /** The event could not be explained. */
  record Failed(String eventId, String model, String version, String stage, String reason)
      implements Outcome {}

  static Failed failed(PredictionEvent event, String stage, String reason) {
    return new Failed(event.eventId(), event.model(), event.version(), stage, reason);
  }
}
