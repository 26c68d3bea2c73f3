package io.igstream.live;

import java.util.List;

/**
 * One explained or dead-lettered event as the page lists it, with where its record is on the topic
 * and the record itself when it is small enough to keep for the detail view (else null).
 */
record RecentEvent(
    String eventId,
    String model,
    String version,
    String time,
    Kind kind,
    List<TopFeature> topFeatures,
    Double approximationError,
    String stage,
    String reason,
    Origin origin,
    String record) {

  /** Which topic the event's record came from. */
  enum Kind {
    ATTRIBUTION("attribution"),
    DEAD_LETTER("dead_letter");

    final String json;

    Kind(String json) {
      this.json = json;
    }
  }

  /** A feature and its attribution, as in the record's top_features. */
  record TopFeature(String feature, double attribution) {}
}
