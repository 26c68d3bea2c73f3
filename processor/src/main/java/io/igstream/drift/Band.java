package io.igstream.drift;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Warning and alert thresholds of one metric; for metrics where lower is worse (NDCG, p-values) the
 * value must fall below them.
 */
public record Band(
    @JsonProperty("warn") Double warn,
    @JsonProperty("alert") Double alert,
    @JsonProperty("lower_is_worse") Boolean lowerIsWorse) {

  static Band above(double warn, double alert) {
    return new Band(warn, alert, false);
  }

  static Band below(double warn, double alert) {
    return new Band(warn, alert, true);
  }

  boolean lower() {
    return lowerIsWorse != null && lowerIsWorse;
  }

  /** OK, WARN or ALERT for a value; NaN is OK (nothing to judge). */
  public Status judge(double value) {
    if (Double.isNaN(value)) {
      return Status.OK;
    }
    if (alert != null && (lower() ? value < alert : value > alert)) {
      return Status.ALERT;
    }
    if (warn != null && (lower() ? value < warn : value > warn)) {
      return Status.WARN;
    }
    return Status.OK;
  }

  /** This band with the other's non-null fields on top. */
  Band with(Band override) {
    if (override == null) {
      return this;
    }
    return new Band(
        override.warn != null ? override.warn : warn,
        override.alert != null ? override.alert : alert,
        override.lowerIsWorse != null ? override.lowerIsWorse : lowerIsWorse);
  }
}
