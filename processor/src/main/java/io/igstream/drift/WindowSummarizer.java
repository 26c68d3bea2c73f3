package io.igstream.drift;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a closed window into its summary record: per feature the value and attribution statistics,
 * and each comparison (skew against the baseline, drift against the previous window) with every
 * distance, its thresholds and status; the ranking, prediction, explanation-quality and dataset
 * objectives; and the crossings that may become alerts.
 */
public final class WindowSummarizer {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final double[] QUANTILES = {0.05, 0.25, 0.5, 0.75, 0.95};

  private WindowSummarizer() {}

  /** Which window of which model version. */
  public record WindowKey(String model, String version, long startMs, long endMs) {}

  /**
   * What a window is compared with: a state, or why there is none ({@link Status#NO_BASELINE}).
   * {@code mismatch} says the reference was explained with another configuration: values and
   * predictions still compare, attributions and explanation quality do not.
   */
  public record Reference(WindowState state, boolean mismatch, ObjectNode describe) {

    public static Reference none(ObjectNode describe) {
      return new Reference(null, false, describe);
    }

    /** No baseline for skew, with where to put one. */
    public static Reference noBaseline() {
      ObjectNode describe = JSON.objectNode();
      describe.put("status", Status.NO_BASELINE.name());
      describe.put(
          "hint",
          "no "
              + Baseline.FILE_NAME
              + " next to the SavedModel or in the model's folder; make one with `igstream"
              + " baseline`");
      return none(describe);
    }

    /**
     * A baseline as skew's reference for a window: mismatched when the window was explained with
     * any other configuration than the baseline.
     */
    public static Reference ofBaseline(Baseline baseline, String scope, WindowState window) {
      boolean mismatch =
          !window.explainerHashes().isEmpty()
              && !(window.explainerHashes().size() == 1
                  && window.explainerHashes().first().equals(baseline.explainerHash()));
      ObjectNode describe = JSON.objectNode();
      describe.put("status", mismatch ? Status.BASELINE_MISMATCH.name() : Status.OK.name());
      describe.put("baseline_id", baseline.id());
      describe.put("scope", scope);
      describe.put("made_with_version", baseline.version());
      describe.put("sample_size", baseline.state().events());
      describe.put("explainer_hash", baseline.explainerHash());
      describe.put("created_at", baseline.createdAt());
      return new Reference(baseline.state(), mismatch, describe);
    }

    /** An earlier window as drift's reference, or none. */
    public static Reference ofPrevious(WindowState previous, long startMs, WindowState window) {
      ObjectNode describe = JSON.objectNode();
      if (previous == null) {
        describe.put("status", Status.NO_BASELINE.name());
        return none(describe);
      }
      boolean mismatch = !previous.explainerHashes().equals(window.explainerHashes());
      describe.put("status", mismatch ? Status.BASELINE_MISMATCH.name() : Status.OK.name());
      describe.put("start", Instant.ofEpochMilli(startMs).toString());
      describe.put("events", previous.events());
      return new Reference(previous, mismatch, describe);
    }
  }

  /** The summary record, the crossings, and the window's overall status. */
  public record Result(ObjectNode summary, List<Crossing> crossings, Status status) {}

  public static Result summarise(
      WindowKey key,
      WindowState current,
      Reference skew,
      Reference drift,
      DriftPolicy policy,
      long lateCarried) {
    ObjectNode out = JSON.objectNode();
    out.put("model", key.model());
    out.put("version", key.version());
    out.putObject("window")
        .put("start", Instant.ofEpochMilli(key.startMs()).toString())
        .put("end", Instant.ofEpochMilli(key.endMs()).toString());
    out.put("events", current.events());
    out.put("late_events", current.lateEvents() + lateCarried);
    var hashes = out.putArray("explainer_hashes");
    current.explainerHashes().forEach(hashes::add);
    out.set("baseline", skew.describe());
    out.set("previous_window", drift.describe());
    List<Crossing> crossings = new ArrayList<>();
    Comparer skewing = new Comparer("skew", key, current, skew, policy, crossings);
    Comparer drifting = new Comparer("drift", key, current, drift, policy, crossings);

    Map<String, Double> shares = current.shares();
    Map<String, Integer> ranks = ranks(current.importance());
    var features = out.putArray("features");
    for (Map.Entry<String, WindowState.FeatureState> e : current.features().entrySet()) {
      String name = e.getKey();
      ObjectNode f = features.addObject();
      f.put("feature", name);
      FeatureSketch value = e.getValue().value();
      FeatureSketch attribution = e.getValue().attribution();
      boolean categorical = value.bins() != null && value.bins().categorical();
      f.put("kind", categorical ? "categorical" : "numeric");
      f.set("value", valueStats(value));
      ObjectNode a = attributionStats(attribution);
      a.put("share", shares.get(name));
      a.put("rank", ranks.get(name));
      f.set("attribution", a);
      ObjectNode s = f.putObject("skew");
      s.set("value", skewing.feature(name, value, categorical, true));
      s.set("attribution", skewing.attribution(name, attribution, shares.get(name)));
      ObjectNode d = f.putObject("drift");
      d.set("value", drifting.feature(name, value, categorical, true));
      d.set("attribution", drifting.attribution(name, attribution, shares.get(name)));
    }
    ObjectNode ranking = out.putObject("ranking");
    ranking.set("skew", skewing.ranking());
    ranking.set("drift", drifting.ranking());

    ObjectNode prediction = out.putObject("prediction");
    prediction.put("kind", current.predictsClasses() ? "class" : "numeric");
    prediction.set("value", valueStats(current.prediction()));
    prediction.set("skew", skewing.prediction());
    prediction.set("drift", drifting.prediction());

    ObjectNode quality = out.putObject("explanation_quality");
    FeatureSketch error = current.approximationError();
    quality.put("mean", error.mean());
    quality.put("p50", error.quantile(0.5));
    quality.put("p95", error.quantile(0.95));
    quality.put("max", error.finiteCount() == 0 ? Double.NaN : error.sketch().getMaxItem());
    quality.put("error_bar", DriftPolicy.ERROR_BAR);
    double over = error.fractionAbove(DriftPolicy.ERROR_BAR);
    quality.put("undefined", error.missing());
    // An absolute check of this window, judged once whatever the references.
    Comparer window = new Comparer("window", key, current, Reference.none(null), policy, crossings);
    window.metric(
        quality,
        DriftPolicy.EXPLANATION_QUALITY,
        null,
        "fraction_over_error_bar",
        over,
        current.events() < policy.minEvents() ? Status.INSUFFICIENT_DATA : null,
        String.format(
            Locale.ROOT,
            "%.1f%% of events exceed the %.0f%% approximation-error bar",
            100 * over,
            100 * DriftPolicy.ERROR_BAR));
    quality.set("skew", skewing.quality());
    quality.set("drift", drifting.quality());

    ObjectNode dataset = out.putObject("dataset");
    dataset.set("skew", skewing.dataset());
    dataset.set("drift", drifting.dataset());

    Status overall =
        current.events() < policy.minEvents()
            ? Status.INSUFFICIENT_DATA
            : skewing.overall.worse(drifting.overall).worse(window.overall);
    out.put("status", overall.name());
    return new Result(FiniteJson.sanitise(out), List.copyOf(crossings), overall);
  }

  static ObjectNode valueStats(FeatureSketch s) {
    ObjectNode v = JSON.objectNode();
    v.put("count", s.count());
    v.put("missing_rate", s.missingRate());
    v.put("mean", s.mean());
    v.put("std", s.std());
    ObjectNode q = v.putObject("quantiles");
    for (double rank : QUANTILES) {
      q.put(String.format(Locale.ROOT, "p%02d", Math.round(rank * 100)), s.quantile(rank));
    }
    FeatureBins bins = s.bins();
    if (bins != null && bins.categorical()) {
      long[] counts = s.counts();
      var top = v.putArray("top_categories");
      List<Integer> order = new ArrayList<>();
      for (int i = 1; i < counts.length; i++) {
        if (counts[i] > 0) {
          order.add(i);
        }
      }
      order.sort(Comparator.comparingLong((Integer i) -> -counts[i]));
      for (int i : order.subList(0, Math.min(5, order.size()))) {
        ObjectNode category = top.addObject();
        if (i <= bins.pointMasses().length) {
          category.put("category", bins.pointMasses()[i - 1]);
        } else {
          category.put("category", "other");
        }
        category.put("share", counts[i] / (double) Math.max(1, s.count()));
      }
    }
    return v;
  }

  static ObjectNode attributionStats(FeatureSketch s) {
    ObjectNode a = JSON.objectNode();
    a.put("mean", s.mean());
    a.put("mean_abs", s.meanAbs());
    a.put("median", s.quantile(0.5));
    a.put("mean_sq", s.meanSquare());
    a.put("fraction_positive", s.fractionPositive());
    a.put("fraction_negative", s.fractionNegative());
    a.put("fraction_zero", s.fractionZero());
    return a;
  }

  /** 1 = most important; ties broken by name so ranks are stable. */
  static Map<String, Integer> ranks(Map<String, Double> importance) {
    List<String> names = new ArrayList<>(importance.keySet());
    names.sort(
        Comparator.comparingDouble((String n) -> -nanToZero(importance.get(n)))
            .thenComparing(n -> n));
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), i + 1);
    }
    return out;
  }

  private static double nanToZero(Double v) {
    return v == null || v.isNaN() ? 0.0 : v;
  }

  /** Computes one comparison (skew or drift) of the current window with a reference. */
  private static final class Comparer {
    private final String kind;
    private final WindowKey key;
    private final WindowState current;
    private final Reference reference;
    private final DriftPolicy policy;
    private final List<Crossing> crossings;
    private final boolean insufficient;
    private int judgedFeatures;
    private int driftedFeatures;
    private Status overall = Status.OK;
    private Map<String, Double> referenceShares;

    Comparer(
        String kind,
        WindowKey key,
        WindowState current,
        Reference reference,
        DriftPolicy policy,
        List<Crossing> crossings) {
      this.kind = kind;
      this.key = key;
      this.current = current;
      this.reference = reference;
      this.policy = policy;
      this.crossings = crossings;
      this.insufficient =
          reference.state() != null
              && (current.events() < policy.minEvents()
                  || reference.state().events() < policy.minEvents());
    }

    /** The reference's shares of importance, computed once for all features. */
    private Map<String, Double> referenceShares() {
      if (referenceShares == null) {
        referenceShares = reference.state().shares();
      }
      return referenceShares;
    }

    private Status unavailable(boolean attributionLike) {
      if (reference.state() == null) {
        return Status.NO_BASELINE;
      }
      if (attributionLike && reference.mismatch()) {
        return Status.BASELINE_MISMATCH;
      }
      return insufficient ? Status.INSUFFICIENT_DATA : null;
    }

    /** The reference's statistics of a feature, or null when there are none. */
    private WindowState.FeatureState referenceFeature(String name) {
      return reference.state() == null ? null : reference.state().features().get(name);
    }

    ObjectNode feature(String name, FeatureSketch cur, boolean categorical, boolean countDrift) {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(false);
      WindowState.FeatureState ref = referenceFeature(name);
      if (blocked == Status.NO_BASELINE || ref == null) {
        node.put("status", Status.NO_BASELINE.name());
        return node;
      }
      Status status =
          distances(
              node,
              DriftPolicy.FEATURE_VALUE,
              name,
              ref.value(),
              cur,
              categorical ? "l_infinity" : "jensen_shannon",
              blocked,
              !categorical);
      node.put("status", status.name());
      if (countDrift && blocked == null) {
        judgedFeatures++;
        if (status == Status.ALERT) {
          driftedFeatures++;
        }
      }
      return node;
    }

    ObjectNode attribution(String name, FeatureSketch cur, Double share) {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(true);
      WindowState.FeatureState ref = referenceFeature(name);
      if (blocked == Status.NO_BASELINE || ref == null) {
        node.put("status", Status.NO_BASELINE.name());
        return node;
      }
      Status status =
          distances(
              node,
              DriftPolicy.FEATURE_ATTRIBUTION,
              name,
              ref.attribution(),
              cur,
              "jensen_shannon",
              blocked,
              true);
      double refShare = nanToZero(referenceShares().get(name));
      double change = nanToZero(share) - refShare;
      node.put("reference_share", refShare);
      status =
          status.worse(
              metric(
                  node,
                  DriftPolicy.FEATURE_ATTRIBUTION,
                  name,
                  "share_change",
                  Math.abs(change),
                  blocked,
                  String.format(
                      Locale.ROOT,
                      "share of importance %.3f against %.3f",
                      nanToZero(share),
                      refShare)));
      node.put("share_change_signed", change);
      double refMean = ref.attribution().mean();
      double curMean = cur.mean();
      // A flip only counts where the feature matters on both sides, not for noise around zero.
      boolean flip =
          Math.signum(refMean) * Math.signum(curMean) < 0
              && Math.abs(refMean) >= 0.1 * ref.attribution().meanAbs()
              && Math.abs(curMean) >= 0.1 * cur.meanAbs();
      node.put("sign_flip", flip);
      node.put("status", status.name());
      return node;
    }

    ObjectNode prediction() {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(false);
      if (blocked == Status.NO_BASELINE) {
        node.put("status", blocked.name());
        return node;
      }
      boolean classes = current.predictsClasses();
      Status status =
          distances(
              node,
              DriftPolicy.PREDICTION,
              null,
              reference.state().prediction(),
              current.prediction(),
              classes ? "l_infinity" : "jensen_shannon",
              blocked,
              !classes);
      node.put("status", status.name());
      return node;
    }

    ObjectNode quality() {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(true);
      if (blocked == Status.NO_BASELINE) {
        node.put("status", blocked.name());
        return node;
      }
      FeatureSketch ref = reference.state().approximationError();
      node.put("reference_fraction_over_error_bar", ref.fractionAbove(DriftPolicy.ERROR_BAR));
      Status status =
          distances(
              node,
              DriftPolicy.EXPLANATION_QUALITY,
              null,
              ref,
              current.approximationError(),
              "jensen_shannon",
              blocked,
              true);
      node.put("status", status.name());
      return node;
    }

    ObjectNode ranking() {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(true);
      if (blocked == Status.NO_BASELINE) {
        node.put("status", blocked.name());
        return node;
      }
      Map<String, Double> ref = reference.state().importance();
      Map<String, Double> cur = current.importance();
      double ndcg = Ranking.ndcg(ref, cur);
      Status status =
          metric(
              node,
              DriftPolicy.RANKING,
              null,
              "ndcg",
              ndcg,
              blocked,
              "the order of features by mean |attribution| (NDCG "
                  + String.format(Locale.ROOT, "%.3f", ndcg)
                  + ")");
      node.put("top5_overlap", Ranking.topKOverlap(ref, cur, 5));
      node.put("rank_correlation", Ranking.rankCorrelation(ref, cur));
      node.put("status", status.name());
      return node;
    }

    ObjectNode dataset() {
      ObjectNode node = JSON.objectNode();
      Status blocked = unavailable(false);
      if (blocked == Status.NO_BASELINE) {
        node.put("status", blocked.name());
        return node;
      }
      double share = judgedFeatures == 0 ? Double.NaN : driftedFeatures / (double) judgedFeatures;
      node.put("drifted_features", driftedFeatures);
      node.put("features", judgedFeatures);
      Status status =
          metric(
              node,
              DriftPolicy.DATASET,
              null,
              "drifted_feature_share",
              share,
              blocked,
              String.format(
                  Locale.ROOT, "%d of %d features drifted", driftedFeatures, judgedFeatures));
      node.put("status", status.name());
      return node;
    }

    /** Every distance between two sketches; returns the status of the alerting metric. */
    private Status distances(
        ObjectNode node,
        String objective,
        String feature,
        FeatureSketch ref,
        FeatureSketch cur,
        String primary,
        Status blocked,
        boolean numeric) {
      long[][] counts = commonCounts(ref, cur);
      double jsd = Distances.jensenShannonBits(counts[0], counts[1]);
      int bins = 0;
      for (int i = 0; i < counts[0].length; i++) {
        if (counts[0][i] + counts[1][i] > 0) {
          bins++;
        }
      }
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("jensen_shannon", jsd);
      values.put("psi", Distances.psi(counts[0], counts[1]));
      values.put("hellinger", Distances.hellinger(counts[0], counts[1]));
      values.put("l_infinity", Distances.lInfinity(counts[0], counts[1]));
      if (numeric && ref.finiteCount() > 0 && cur.finiteCount() > 0) {
        Distances.KsResult ks = Distances.ks(ref.distribution(), cur.distribution());
        node.put("ks_statistic", ks.statistic());
        values.put("ks_p_value", ks.pValue());
        values.put(
            "wasserstein_normed",
            Distances.normedWasserstein(ref.distribution(), cur.distribution()));
      }
      Status status = Status.OK;
      for (Map.Entry<String, Double> e : values.entrySet()) {
        boolean alerting =
            policy.alerts(objective, e.getKey()) && !isOtherPrimary(e.getKey(), primary);
        Status s =
            metric(
                node,
                objective,
                feature,
                e.getKey(),
                e.getValue(),
                blocked,
                describe(e.getKey(), e.getValue()),
                alerting);
        if (alerting) {
          status = status.worse(s);
        }
      }
      node.put(
          "no_drift_p_value", Distances.noDriftPValue(jsd, bins, sum(counts[0]), sum(counts[1])));
      node.put("reference_count", ref.count());
      return blocked != null ? blocked : status;
    }

    /** Numeric quantities alert on JSD, categorical ones on L-infinity, never on both. */
    private static boolean isOtherPrimary(String metric, String primary) {
      return (metric.equals("jensen_shannon") || metric.equals("l_infinity"))
          && !metric.equals(primary);
    }

    /** Writes one metric with its band and status, and records a crossing where it alerts. */
    private Status metric(
        ObjectNode node,
        String objective,
        String feature,
        String name,
        double value,
        Status blocked,
        String what) {
      boolean alerting = policy.alerts(objective, name);
      Status status = metric(node, objective, feature, name, value, blocked, what, alerting);
      // A metric that does not alert is reported with its verdict but does not set the section's.
      return alerting || blocked != null ? status : Status.OK;
    }

    private Status metric(
        ObjectNode node,
        String objective,
        String feature,
        String name,
        double value,
        Status blocked,
        String what,
        boolean alerting) {
      Band band = policy.band(objective, name);
      Status judged = band.judge(value);
      Status status = blocked != null ? blocked : judged;
      ObjectNode m = node.putObject(name);
      m.put("value", value);
      if (band.warn() != null) {
        m.put("warn", band.warn());
      }
      if (band.alert() != null) {
        m.put("alert", band.alert());
      }
      m.put("status", status.name());
      if (status == Status.ALERT && alerting) {
        crossings.add(
            new Crossing(
                kind,
                objective,
                feature,
                name,
                value,
                band.alert(),
                Sentences.sentence(kind, objective, feature, name, value, band, what, key)));
      }
      if (alerting) {
        overall =
            overall.worse(status == Status.ALERT || status == Status.WARN ? status : Status.OK);
      }
      return status;
    }

    private static String describe(String metric, double value) {
      return String.format(Locale.ROOT, "%s %.3f", metric.replace('_', ' '), value);
    }
  }

  /**
   * Counts of both sides on common bins: the exact frozen counts when both have them on the same
   * bins, otherwise approximate counts from the sketches on the reference's bins.
   */
  static long[][] commonCounts(FeatureSketch ref, FeatureSketch cur) {
    if (ref.bins() != null && ref.bins().equals(cur.bins()) && !mostlyInTails(ref)) {
      return new long[][] {ref.counts(), cur.counts()};
    }
    if (ref.bins() != null && ref.bins().equals(cur.bins()) && !ref.sketch().isEmpty()) {
      // The reference (a previous window already far outside the baseline) sits in a tail bin
      // the frozen bins cannot resolve: compare on the reference's own deciles instead.
      FeatureBins own = FeatureBins.fromSketch(ref.sketch());
      return new long[][] {
        own.countsFromSketch(ref.sketch(), ref.missing()),
        own.countsFromSketch(cur.sketch(), cur.missing())
      };
    }
    FeatureBins bins = ref.bins() != null ? ref.bins() : FeatureBins.fromSketch(ref.sketch());
    long[] refCounts =
        ref.bins() != null ? ref.counts() : bins.countsFromSketch(ref.sketch(), ref.missing());
    return new long[][] {refCounts, bins.countsFromSketch(cur.sketch(), cur.missing())};
  }

  /** Whether more than a quarter of a quantity lies in the two tail bins of its frozen bins. */
  private static boolean mostlyInTails(FeatureSketch s) {
    FeatureBins bins = s.bins();
    if (bins.categorical() || bins.edges().length == 0) {
      return false;
    }
    long[] counts = s.counts();
    int low = 1 + bins.pointMasses().length;
    long tails = counts[low] + counts[counts.length - 1];
    return tails * 4 > Math.max(1, s.count());
  }

  private static long sum(long[] counts) {
    long s = 0;
    for (long c : counts) {
      s += c;
    }
    return s;
  }
}
