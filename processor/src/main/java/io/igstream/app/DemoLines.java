package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One-line descriptions of summary and alert records for the demo's console. */
final class DemoLines {

  private DemoLines() {}

  static String summary(JsonNode s) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "[summary] %-18s v%s %s..%s events=%d late=%d status=%s",
                s.path("model").asText(),
                s.path("version").asText(),
                time(s.path("window").path("start").asText()),
                time(s.path("window").path("end").asText()),
                s.path("events").asLong(),
                s.path("late_events").asLong(),
                s.path("status").asText()));
    // The two features furthest from the baseline (values), and the ranking's NDCG.
    List<JsonNode> features = new ArrayList<>();
    s.path("features").forEach(features::add);
    features.sort((a, b) -> Double.compare(score(b), score(a)));
    if (!features.isEmpty() && !Double.isNaN(score(features.get(0)))) {
      line.append(" skew:");
      for (JsonNode f : features.subList(0, Math.min(2, features.size()))) {
        line.append(
            String.format(Locale.ROOT, " %s JSD=%.3f", f.path("feature").asText(), score(f)));
      }
      JsonNode ndcg = s.path("ranking").path("skew").path("ndcg").path("value");
      if (ndcg.isNumber()) {
        line.append(String.format(Locale.ROOT, " ndcg=%.3f", ndcg.asDouble()));
      }
    } else {
      line.append(" skew: ").append(s.path("baseline").path("status").asText());
    }
    JsonNode over = s.path("explanation_quality").path("fraction_over_error_bar");
    if (over.isNumber()) {
      line.append(String.format(Locale.ROOT, " err>5%%=%.1f%%", 100 * over.asDouble()));
    }
    return line.toString();
  }

  private static double score(JsonNode feature) {
    JsonNode v = feature.path("skew").path("value").path("jensen_shannon").path("value");
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  static String alert(JsonNode a) {
    return String.format(
        Locale.ROOT,
        "[ALERT] %s %s %s v%s %s %s=%.3f (threshold %.2f): %s",
        a.path("comparison").asText(),
        a.path("objective").asText(),
        a.path("model").asText(),
        a.path("version").asText(),
        a.path("feature").isNull() ? "-" : a.path("feature").asText(),
        a.path("algorithm").asText(),
        a.path("value").asDouble(),
        a.path("threshold").asDouble(),
        a.path("message").asText());
  }

  private static String time(String iso) {
    int t = iso.indexOf('T');
    return t < 0 ? iso : iso.substring(t + 1).replace("Z", "");
  }
}
