package io.igstream.stream;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The event time a summary window uses: the event's own {@code event_time}, else its timestamp. */
final class EventTimes {

  /**
   * An event time that cannot be used (unreadable, out of range, or beyond the wall clock plus the
   * grace period): the event is counted in its shard's current window and moves no clock.
   */
  static final long UNTIMED = Long.MIN_VALUE;

  private EventTimes() {}

  /** The event's time, or {@link #UNTIMED}; events without {@code event_time} use the record's. */
  static long of(String eventTime, long recordTimestampMs, long nowMs, long graceMs) {
    long t = parse(eventTime, recordTimestampMs);
    return t == UNTIMED || t > nowMs + graceMs ? UNTIMED : t;
  }

  private static long parse(String eventTime, long recordTimestampMs) {
    if (eventTime == null || eventTime.isBlank()) {
      return recordTimestampMs;
    }
    try {
      return Instant.parse(eventTime).toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      try {
        return OffsetDateTime.parse(eventTime).toInstant().toEpochMilli();
      } catch (DateTimeException | ArithmeticException again) {
        // Accepted by the schema as text, but no instant we can use: never fail the batch on it.
        return UNTIMED;
      }
    }
  }
}
