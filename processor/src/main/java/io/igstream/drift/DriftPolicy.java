package io.igstream.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a model's windows are judged: the minimum events for a distance to count, the thresholds of
 * every metric per objective, which metrics raise alerts, how many consecutive windows must cross
 * (skew 1, drift 2) and the cooldown after an alert. Defaults follow the anchors: Vertex AI's 0.3
 * Jensen-Shannon and L-infinity, the usual PSI bands 0.1 / 0.25, whylogs' Hellinger 0.15 / 0.4,
 * Evidently's p 0.05 and normed Wasserstein 0.1, SageMaker Clarify's NDCG 0.90, and Evidently's
 * dataset drift at half the features.
 */
public record DriftPolicy(
    long minEvents,
    Map<String, Map<String, Band>> thresholds,
    Map<String, List<String>> alertOn,
    int skewWindows,
    int driftWindows,
    int cooldownWindows) {

  public static final String FEATURE_VALUE = "feature_value";
  public static final String FEATURE_ATTRIBUTION = "feature_attribution";
  public static final String PREDICTION = "prediction";
  public static final String EXPLANATION_QUALITY = "explanation_quality";
  public static final String RANKING = "ranking";
  public static final String DATASET = "dataset";

  /** The error bar of an IG explanation: |delta| / |F(x) - F(b)| under 5% (the usual check). */
  public static final double ERROR_BAR = 0.05;

  /** Below this many events the noise floor of a 14-bin JSD is near 0.01 bits: see the README. */
  public static final long DEFAULT_MIN_EVENTS = 200;

  public DriftPolicy {
    Map<String, Map<String, Band>> frozen = new LinkedHashMap<>();
    thresholds.forEach(
        (k, v) -> frozen.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    thresholds = java.util.Collections.unmodifiableMap(frozen);
    alertOn = Map.copyOf(alertOn);
    if (minEvents < 1 || skewWindows < 1 || driftWindows < 1 || cooldownWindows < 0) {
      throw new IllegalArgumentException(
          "min_events and consecutive windows must be at least 1, the cooldown at least 0");
    }
  }

  /** The defaults. */
  public static DriftPolicy defaults() {
    Map<String, Band> distances = new LinkedHashMap<>();
    distances.put("jensen_shannon", Band.above(0.1, 0.3));
    distances.put("psi", Band.above(0.1, 0.25));
    distances.put("hellinger", Band.above(0.15, 0.4));
    distances.put("l_infinity", Band.above(0.1, 0.3));
    distances.put("ks_p_value", Band.below(0.05, 0.01));
    distances.put("wasserstein_normed", Band.above(0.1, 0.2));
    Map<String, Band> attribution = new LinkedHashMap<>(distances);
    attribution.put("share_change", Band.above(0.1, 0.2));
    Map<String, Band> quality = new LinkedHashMap<>(distances);
    quality.put("fraction_over_error_bar", Band.above(0.05, 0.2));
    Map<String, Map<String, Band>> thresholds = new LinkedHashMap<>();
    thresholds.put(FEATURE_VALUE, distances);
    thresholds.put(FEATURE_ATTRIBUTION, attribution);
    thresholds.put(PREDICTION, distances);
    thresholds.put(EXPLANATION_QUALITY, quality);
    thresholds.put(RANKING, Map.of("ndcg", Band.below(0.95, 0.90)));
    thresholds.put(DATASET, Map.of("drifted_feature_share", Band.above(0.3, 0.5)));
    Map<String, List<String>> alertOn = new LinkedHashMap<>();
    // Categorical quantities alert on l_infinity, numeric ones on jensen_shannon (Vertex AI).
    alertOn.put(FEATURE_VALUE, List.of("jensen_shannon", "l_infinity"));
    alertOn.put(FEATURE_ATTRIBUTION, List.of("jensen_shannon", "share_change"));
    alertOn.put(PREDICTION, List.of("jensen_shannon", "l_infinity"));
    alertOn.put(EXPLANATION_QUALITY, List.of("fraction_over_error_bar"));
    alertOn.put(RANKING, List.of("ndcg"));
    alertOn.put(DATASET, List.of("drifted_feature_share"));
    return new DriftPolicy(DEFAULT_MIN_EVENTS, thresholds, alertOn, 1, 2, 4);
  }

  /** A model's overrides, as written in {@code igstream-model.json} under {@code drift}. */
  public record Overrides(
      @JsonProperty("min_events") Long minEvents,
      @JsonProperty("thresholds") Map<String, Map<String, Band>> thresholds,
      @JsonProperty("alert_on") Map<String, List<String>> alertOn,
      @JsonProperty("consecutive_windows") Consecutive consecutiveWindows,
      @JsonProperty("cooldown_windows") Integer cooldownWindows) {}

  /** Consecutive windows that must cross before an alert. */
  public record Consecutive(
      @JsonProperty("skew") Integer skew, @JsonProperty("drift") Integer drift) {}

  /** This policy with a model's overrides on top; unknown objectives or metrics are errors. */
  public DriftPolicy with(Overrides o) {
    if (o == null) {
      return this;
    }
    Map<String, Map<String, Band>> merged = deepCopy(thresholds);
    if (o.thresholds() != null) {
      o.thresholds()
          .forEach(
              (objective, bands) -> {
                Map<String, Band> known = merged.get(objective);
                if (known == null || bands == null) {
                  throw new IllegalArgumentException(
                      "unknown drift objective '" + objective + "'; use one of " + merged.keySet());
                }
                bands.forEach(
                    (metric, band) -> {
                      if (!known.containsKey(metric)) {
                        throw new IllegalArgumentException(
                            "unknown metric '"
                                + metric
                                + "' for "
                                + objective
                                + "; use one of "
                                + known.keySet());
                      }
                      known.put(metric, known.get(metric).with(band));
                    });
              });
    }
    Map<String, List<String>> alerts = new LinkedHashMap<>(alertOn);
    if (o.alertOn() != null) {
      o.alertOn()
          .forEach(
              (objective, metrics) -> {
                if (!merged.containsKey(objective) || metrics == null) {
                  throw new IllegalArgumentException(
                      "alert_on: unknown drift objective '"
                          + objective
                          + "' or no list of metrics; use one of "
                          + merged.keySet());
                }
                for (String metric : metrics) {
                  if (!merged.get(objective).containsKey(metric)) {
                    throw new IllegalArgumentException(
                        "alert_on: unknown metric '"
                            + metric
                            + "' for "
                            + objective
                            + "; use one of "
                            + merged.get(objective).keySet());
                  }
                }
                alerts.put(objective, List.copyOf(metrics));
              });
    }
    return new DriftPolicy(
        o.minEvents() != null ? o.minEvents() : minEvents,
        merged,
        alerts,
        o.consecutiveWindows() != null && o.consecutiveWindows().skew() != null
            ? o.consecutiveWindows().skew()
            : skewWindows,
        o.consecutiveWindows() != null && o.consecutiveWindows().drift() != null
            ? o.consecutiveWindows().drift()
            : driftWindows,
        o.cooldownWindows() != null ? o.cooldownWindows() : cooldownWindows);
  }

  /** This policy with another minimum of events per window. */
  public DriftPolicy withMinEvents(long events) {
    return new DriftPolicy(events, thresholds, alertOn, skewWindows, driftWindows, cooldownWindows);
  }

  /** The band of a metric. */
  public Band band(String objective, String metric) {
    Map<String, Band> bands = thresholds.get(objective);
    Band band = bands == null ? null : bands.get(metric);
    if (band == null) {
      throw new IllegalArgumentException("no threshold for " + objective + "." + metric);
    }
    return band;
  }

  /** Whether a metric raises alerts. */
  public boolean alerts(String objective, String metric) {
    return alertOn.getOrDefault(objective, List.of()).contains(metric);
  }

  private static Map<String, Map<String, Band>> deepCopy(Map<String, Map<String, Band>> in) {
    Map<String, Map<String, Band>> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, new LinkedHashMap<>(v)));
    return out;
  }
}
