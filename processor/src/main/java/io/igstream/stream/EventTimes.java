package io.igstream.stream;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The event time a summary window uses: the event's own {@code event_time}, else its timestamp. */
final class EventTimes {

  private EventTimes() {}

  static long of(String eventTime, long recordTimestampMs) {
    if (eventTime == null || eventTime.isBlank()) {
      return recordTimestampMs;
    }
    try {
      return Instant.parse(eventTime).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(eventTime).toInstant().toEpochMilli();
      } catch (DateTimeParseException again) {
        // An unparseable time was already accepted by the schema as text: fall back, do not fail.
        return recordTimestampMs;
      }
    }
  }
}
