package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Consecutive windows before an alert, then a cooldown; streaks reset when a window is fine. */
class AlertTrackerTest {

  private static final long HOUR = 3_600_000;
  private final DriftPolicy policy = DriftPolicy.defaults(); // skew 1, drift 2, cooldown 4

  private static WindowSummarizer.WindowKey window(int i) {
    return new WindowSummarizer.WindowKey("m", "1", i * HOUR, (i + 1) * HOUR);
  }

  private static Crossing crossing(String comparison) {
    return new Crossing(comparison, "feature_value", "age", "jensen_shannon", 0.5, 0.3, "s");
  }

  @Test
  void driftNeedsTwoConsecutiveWindowsThenCoolsDown() {
    AlertTracker tracker = new AlertTracker();
    List<Integer> alerted = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      boolean crosses = i != 2; // window 2 is fine: the streak restarts
      var alerts =
          tracker.observe(
              window(i), HOUR, crosses ? List.of(crossing("drift")) : List.of(), policy);
      if (!alerts.isEmpty()) {
        alerted.add(i);
        assertThat(alerts.get(0).get("consecutive_windows").asInt()).isGreaterThanOrEqualTo(2);
      }
      // Through bytes each window, as the merger stores it.
      tracker = AlertTracker.fromBytes(tracker.toBytes());
    }
    // 0 alone: no alert; 1 completes 2 in a row; 2 fine; 3,4 -> alert at 4 (cooldown from 1 is
    // over after window 5 ends? no: quiet until end of 1 + 4 windows = end of window 5).
    assertThat(alerted).containsExactly(1, 6, 11);
  }

  @Test
  void skewAlertsOnTheFirstWindow() {
    AlertTracker tracker = new AlertTracker();
    var alerts = tracker.observe(window(0), HOUR, List.of(crossing("skew")), policy);
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).get("comparison").asText()).isEqualTo("skew");
    assertThat(alerts.get(0).get("feature").asText()).isEqualTo("age");
    assertThat(alerts.get(0).get("message").asText()).isEqualTo("s");
  }
}
