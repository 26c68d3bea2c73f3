package io.igstream.stream;

import io.igstream.drift.DriftPolicy;
import java.time.Duration;

/**
 * Drift/skew summary settings: the output topics, the internal partials topic, the event-time
 * window and its grace period, how long the merge waits for the shards of a window, and the fewest
 * events a window needs before its distances are judged (models may set their own).
 */
public record SummarySettings(
    boolean enabled,
    String summariesTopic,
    String alertsTopic,
    String partialsTopic,
    Duration window,
    Duration grace,
    Duration mergeWait,
    long minEvents) {

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
        Duration.ofMinutes(1),
        DriftPolicy.DEFAULT_MIN_EVENTS);
  }

  public static SummarySettings disabled() {
    SummarySettings d = defaults();
    return new SummarySettings(
        false,
        d.summariesTopic,
        d.alertsTopic,
        d.partialsTopic,
        d.window,
        d.grace,
        d.mergeWait,
        d.minEvents);
  }

  /** The start of the window holding an event time. */
  long windowStart(long eventTimeMs) {
    long size = window.toMillis();
    return Math.floorDiv(eventTimeMs, size) * size;
  }
}
