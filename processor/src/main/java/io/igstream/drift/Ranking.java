package io.igstream.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Comparisons of two global feature-importance rankings (feature to global attribution, such as
 * mean |a|), baseline first. Orders are by attribution descending, ties broken by feature name.
 */
public final class Ranking {

  private Ranking() {}

  /**
   * SageMaker Clarify's attribution-drift NDCG: DCG / iDCG with DCG = sum_i a(f'_i) / log2(i + 1),
   * f' the baseline's features in the current order (features missing from current last) and a()
   * the baseline attribution; iDCG the same sum in the baseline's own order. NaN when the baseline
   * is empty or iDCG is not positive.
   */
  public static double ndcg(Map<String, Double> baseline, Map<String, Double> current) {
    validate(baseline, "baseline");
    validate(current, "current");
    List<String> ideal = descending(baseline);
    List<String> live = new ArrayList<>(baseline.keySet());
    live.sort(
        Comparator.comparing((String f) -> !current.containsKey(f))
            .thenComparingDouble(f -> -(current.getOrDefault(f, 0.0) + 0.0))
            .thenComparing(Comparator.naturalOrder()));
    double ideals = discountedGain(ideal, baseline);
    if (!(ideals > 0)) {
      return Double.NaN;
    }
    return discountedGain(live, baseline) / ideals;
  }

  /**
   * |top_k(a) ∩ top_k(b)| / min(k, n) with n the smaller of the two feature counts, so that 1 means
   * the top lists agree as far as they can. NaN when either map is empty.
   */
  public static double topKOverlap(Map<String, Double> a, Map<String, Double> b, int k) {
    validate(a, "a");
    validate(b, "b");
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    int n = Math.min(a.size(), b.size());
    if (n == 0) {
      return Double.NaN;
    }
    Set<String> topOfA = new HashSet<>(top(a, k));
    long shared = top(b, k).stream().filter(topOfA::contains).count();
    return (double) shared / Math.min(k, n);
  }

  /**
   * Spearman rank correlation over the features both maps have, with average ranks for ties (as
   * scipy.stats.spearmanr). NaN with fewer than two common features or a constant ranking.
   */
  public static double rankCorrelation(Map<String, Double> a, Map<String, Double> b) {
    validate(a, "a");
    validate(b, "b");
    List<String> common = new ArrayList<>(a.keySet());
    common.retainAll(b.keySet());
    common.sort(Comparator.naturalOrder());
    if (common.size() < 2) {
      return Double.NaN;
    }
    double[] x = averageRanks(common.stream().mapToDouble(a::get).toArray());
    double[] y = averageRanks(common.stream().mapToDouble(b::get).toArray());
    return pearson(x, y);
  }

  /** Ranks 1..n of the values, ascending, tied values sharing the mean of their ranks. */
  static double[] averageRanks(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i] + 0.0));
    double[] ranks = new double[values.length];
    int start = 0;
    while (start < order.length) {
      int end = start;
      while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      // Positions start..end (0-based) hold ranks start+1..end+1; their mean is the midpoint.
      double rank = (start + end) / 2.0 + 1;
      for (int position = start; position <= end; position++) {
        ranks[order[position]] = rank;
      }
      start = end + 1;
    }
    return ranks;
  }

  private static double pearson(double[] x, double[] y) {
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < x.length; i++) {
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= x.length;
    meanY /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - meanX;
      double dy = y[i] - meanY;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  }

  private static double discountedGain(List<String> order, Map<String, Double> gains) {
    double sum = 0;
    for (int i = 0; i < order.size(); i++) {
      // Position i + 1 (1-based) is discounted by log2(i + 2).
      sum += gains.get(order.get(i)) / (Math.log(i + 2) / Math.log(2));
    }
    return sum;
  }

  private static List<String> top(Map<String, Double> attributions, int k) {
    List<String> order = descending(attributions);
    return order.subList(0, Math.min(k, order.size()));
  }

  private static List<String> descending(Map<String, Double> attributions) {
    List<String> order = new ArrayList<>(attributions.keySet());
    // Adding 0.0 turns -0.0 into 0.0, so that the two tie and the name decides.
    order.sort(
        Comparator.comparingDouble((String f) -> -(attributions.get(f) + 0.0))
            .thenComparing(Comparator.naturalOrder()));
    return order;
  }

  private static void validate(Map<String, Double> attributions, String name) {
    if (attributions == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    for (Map.Entry<String, Double> entry : attributions.entrySet()) {
      if (entry.getKey() == null) {
        throw new IllegalArgumentException(name + " has a null feature name");
      }
      Double value = entry.getValue();
      if (value == null || !Double.isFinite(value)) {
        throw new IllegalArgumentException(
            name + " attribution of " + entry.getKey() + " must be finite, got " + value);
      }
    }
  }
}
