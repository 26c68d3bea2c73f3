package io.igstream.stream;

import java.time.Duration;

/**
 * Drift/skew summary settings: the output topics, the internal partials topic, the event-time
 * window and its grace period, and how long the merge waits for the shards of a window.
 */
public record SummarySettings(
    boolean enabled,
    String summariesTopic,
    String alertsTopic,
    String partialsTopic,
    Duration window,
    Duration grace,
    Duration mergeWait) {

  public static final String DEFAULT_SUMMARIES = "igstream.summaries";
  public static final String DEFAULT_ALERTS = "igstream.alerts";
  public static final String DEFAULT_PARTIALS = "igstream.summary-partials";

  public SummarySettings {
    if (window.isNegative() || window.isZero() || grace.isNegative() || mergeWait.isNegative()) {
      throw new IllegalArgumentException(
          "the summary window must be positive, grace and merge wait not negative");
    }
  }

  /** Production-sized: hourly windows, 5 minutes of grace, a minute for slow shards. */
  public static SummarySettings defaults() {
    return new SummarySettings(
        true,
        DEFAULT_SUMMARIES,
        DEFAULT_ALERTS,
        DEFAULT_PARTIALS,
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1));
  }

  public static SummarySettings disabled() {
    return new SummarySettings(
        false,
        DEFAULT_SUMMARIES,
        DEFAULT_ALERTS,
        DEFAULT_PARTIALS,
        Duration.ofHours(1),
        Duration.ofMinutes(5),
        Duration.ofMinutes(1));
  }

  /** The start of the window holding an event time. */
  long windowStart(long eventTimeMs) {
    long size = window.toMillis();
    return Math.floorDiv(eventTimeMs, size) * size;
  }
}
