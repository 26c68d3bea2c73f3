package io.igstream.live;

import java.time.Duration;

/** The live view's settings: {@code igstream.view.*}. */
public record ViewSettings(boolean enabled, int recentEvents, Duration history) {

  public ViewSettings {
    if (recentEvents < 1 || recentEvents > 10_000) {
      throw new IllegalArgumentException(
          "igstream.view.recent-events must be between 1 and 10000, got " + recentEvents);
    }
    if (history.isNegative()) {
      throw new IllegalArgumentException("igstream.view.history-ms must not be negative");
    }
  }
}
