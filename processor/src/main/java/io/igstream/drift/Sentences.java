package io.igstream.drift;

import java.time.Instant;
import java.util.Locale;

/** One sentence per alert that says what changed, how much, and what a person can do about it. */
final class Sentences {

  private Sentences() {}

  static String sentence(
      String comparison,
      String objective,
      String feature,
      String metric,
      double value,
      Band band,
      String what,
      WindowSummarizer.WindowKey key) {
    String model = "model " + key.model() + " version " + key.version();
    String against =
        switch (comparison) {
          case "skew" -> "against its training baseline";
          case "drift" -> "against the previous window";
          default -> "in this window";
        };
    String window = " in the window starting " + Instant.ofEpochMilli(key.startMs()).toString();
    String measured =
        String.format(
            Locale.ROOT,
            "%s %.3f, %s %.3f",
            metric.replace('_', ' '),
            value,
            band.lower() ? "alert below" : "alert above",
            band.alert());
    return switch (objective) {
      case DriftPolicy.FEATURE_VALUE ->
          "The values of feature '"
              + feature
              + "' of "
              + model
              + " have changed "
              + against
              + " ("
              + measured
              + ")"
              + window
              + "; check the feature's upstream source (a pipeline change, units, a new"
              + " population) before trusting the predictions that use it.";
      case DriftPolicy.FEATURE_ATTRIBUTION ->
          "How much "
              + model
              + " relies on feature '"
              + feature
              + "' has changed "
              + against
              + " ("
              + (metric.equals("share_change") ? what + ", " : "")
              + measured
              + ")"
              + window
              + "; confirm the change in behaviour is intended (a new version, retraining) or"
              + " investigate the inputs that drive it.";
      case DriftPolicy.PREDICTION ->
          "The predictions of "
              + model
              + " have shifted "
              + against
              + " ("
              + measured
              + ")"
              + window
              + "; compare with ground truth as it arrives and check the feature alerts for the"
              + " cause.";
      case DriftPolicy.EXPLANATION_QUALITY ->
          "The explanations of "
              + model
              + " are no longer trustworthy: "
              + what
              + " ("
              + measured
              + ")"
              + window
              + "; raise steps or set error_target in igstream-model.json, or check the"
              + " baseline.";
      case DriftPolicy.RANKING ->
          "The feature-importance ranking of "
              + model
              + " has changed "
              + against
              + ": "
              + what
              + ", "
              + measured
              + window
              + "; look at the features whose attribution share changed most.";
      default ->
          "Many features of "
              + model
              + " drifted at once "
              + against
              + ": "
              + what
              + " ("
              + measured
              + ")"
              + window
              + "; a shared upstream change (a new data source, a schema change) is the likely"
              + " cause.";
    };
  }
}
