package io.igstream.drift;

/**
 * A metric of one window that crossed its alert threshold, before the consecutive-window and
 * cooldown rules decide whether it becomes an alert.
 *
 * @param comparison {@code skew} (against the baseline) or {@code drift} (the previous window)
 * @param feature the feature, or null for model-wide objectives
 * @param sentence what it means and what to do, for a person
 */
public record Crossing(
    String comparison,
    String objective,
    String feature,
    String algorithm,
    double value,
    double threshold,
    String sentence) {

  /** Identifies the condition across windows (for consecutive counts and cooldowns). */
  public String key() {
    return comparison + "|" + objective + "|" + (feature == null ? "" : feature) + "|" + algorithm;
  }
}
