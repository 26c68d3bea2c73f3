package io.igstream.drift;

/** The verdict on one metric of one window, ordered from best to worst for OK, WARN, ALERT. */
public enum Status {
  OK,
  WARN,
  ALERT,
  /** Too few events on either side for the distance to mean anything: never alerted on. */
  INSUFFICIENT_DATA,
  /** The baseline was made with another explainer configuration, so attributions differ anyway. */
  BASELINE_MISMATCH,
  /** No reference: no baseline for skew, or no previous window for drift. */
  NO_BASELINE;

  /** The worse of two verdicts; OK, WARN and ALERT rank by severity, the others only beat OK. */
  public Status worse(Status other) {
    if (this == ALERT || other == ALERT) {
      return ALERT;
    }
    if (this == WARN || other == WARN) {
      return WARN;
    }
    return this == OK ? other : this;
  }
}
