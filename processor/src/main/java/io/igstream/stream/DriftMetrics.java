package io.igstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drift gauges and counters on {@code /metrics}: per model version and feature the latest skew and
 * drift score of the alerting metric, alerts raised, summaries written, window lag, late events.
 * Model and version names here are those of explained events, so loaded models bound the series.
 */
public final class DriftMetrics {

  private final MeterRegistry registry;
  private final Map<Tags, AtomicLong> gauges = new ConcurrentHashMap<>();

  public DriftMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void late(String stage, long count) {
    registry.counter("igstream.summary.late_events", "stage", stage).increment(count);
  }

  void summarised(
      String model, String version, ObjectNode summary, List<ObjectNode> alerts, long lagMs) {
    registry.counter("igstream.summaries", "model", model, "version", version).increment();
    gauge(
        "igstream.summary.window_lag_seconds",
        Tags.of("model", model, "version", version),
        lagMs / 1000.0);
    gauge(
        "igstream.summary.window_events",
        Tags.of("model", model, "version", version),
        summary.path("events").asDouble());
    for (ObjectNode alert : alerts) {
      registry
          .counter(
              "igstream.alerts",
              "model",
              model,
              "version",
              version,
              "objective",
              alert.get("objective").asText(),
              "comparison",
              alert.get("comparison").asText())
          .increment();
    }
    for (JsonNode feature : summary.path("features")) {
      String name = feature.path("feature").asText();
      for (String comparison : new String[] {"skew", "drift"}) {
        JsonNode c = feature.path(comparison);
        String primary =
            "categorical".equals(feature.path("kind").asText()) ? "l_infinity" : "jensen_shannon";
        score(
            model,
            version,
            name,
            comparison,
            "feature_value",
            primary,
            c.path("value").path(primary));
        score(
            model,
            version,
            name,
            comparison,
            "feature_attribution",
            "jensen_shannon",
            c.path("attribution").path("jensen_shannon"));
        score(
            model,
            version,
            name,
            comparison,
            "feature_attribution",
            "share_change",
            c.path("attribution").path("share_change"));
      }
    }
    for (String comparison : new String[] {"skew", "drift"}) {
      score(
          model,
          version,
          "",
          comparison,
          "ranking",
          "ndcg",
          summary.path("ranking").path(comparison).path("ndcg"));
    }
    gauge(
        "igstream.summary.fraction_over_error_bar",
        Tags.of("model", model, "version", version),
        summary
            .path("explanation_quality")
            .path("fraction_over_error_bar")
            .path("value")
            .asDouble(Double.NaN));
  }

  private void score(
      String model,
      String version,
      String feature,
      String comparison,
      String objective,
      String algorithm,
      JsonNode metric) {
    if (!metric.has("value") || !metric.get("value").isNumber()) {
      return;
    }
    gauge(
        "igstream.drift.score",
        Tags.of(
            "model", model,
            "version", version,
            "feature", feature,
            "comparison", comparison,
            "objective", objective,
            "algorithm", algorithm),
        metric.get("value").asDouble());
  }

  private void gauge(String name, Tags tags, double value) {
    AtomicLong bits =
        gauges.computeIfAbsent(
            tags.and("__name", name),
            t -> {
              AtomicLong holder = new AtomicLong(Double.doubleToLongBits(Double.NaN));
              registry.gauge(name, tags, holder, h -> Double.longBitsToDouble(h.get()));
              return holder;
            });
    bits.set(Double.doubleToLongBits(value));
  }
}
