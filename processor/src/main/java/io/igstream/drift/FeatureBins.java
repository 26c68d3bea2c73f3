package io.igstream.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Frozen histogram bins of one quantity, shared by skew and drift so that a window's counts merge
 * by addition: a missing/NaN bin, one bin per point mass (a value holding a large share, such as
 * the exact zeros IG gives where a feature equals its baseline, or each category of a categorical
 * feature), then right-closed intervals between sorted edges with a tail bin on each side.
 *
 * <p>Bin layout: 0 = missing; 1..P = point masses; then {@code (-inf, e0]}, {@code (e0, e1]}, ...,
 * {@code (e_last, +inf)}. A categorical quantity has its categories as point masses and no edges,
 * so its last bin is "other".
 */
public record FeatureBins(boolean categorical, double[] pointMasses, double[] edges) {

  /** Quantile bins between the tails: deciles, as TFDV and Vertex AI use. */
  public static final int QUANTILE_BINS = 10;

  /** Most categories kept for a categorical quantity; the rest fall in "other". */
  public static final int MAX_CATEGORIES = 20;

  public FeatureBins {
    pointMasses = Arrays.stream(pointMasses).map(v -> v + 0.0).distinct().toArray();
    edges = Arrays.stream(edges).map(v -> v + 0.0).distinct().toArray();
    Arrays.sort(pointMasses);
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException("bin edges must increase: " + Arrays.toString(edges));
      }
    }
  }

  /** Number of bins, the missing one included. */
  public int size() {
    return 1 + pointMasses.length + edges.length + 1;
  }

  /** The bin of a value. */
  public int index(double value) {
    double x = value + 0.0;
    if (Double.isNaN(x)) {
      return 0;
    }
    int mass = Arrays.binarySearch(pointMasses, x);
    if (mass >= 0) {
      return 1 + mass;
    }
    int base = 1 + pointMasses.length;
    // Right-closed intervals: the first edge >= x names the bin.
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return base + lo;
  }

  /** A short human label of a bin, for summaries. */
  public String label(int bin) {
    if (bin == 0) {
      return "missing";
    }
    if (bin <= pointMasses.length) {
      return "=" + format(pointMasses[bin - 1]);
    }
    int i = bin - 1 - pointMasses.length;
    if (edges.length == 0) {
      return "other";
    }
    if (i == 0) {
      return "<=" + format(edges[0]);
    }
    if (i == edges.length) {
      return ">" + format(edges[edges.length - 1]);
    }
    return "(" + format(edges[i - 1]) + "," + format(edges[i]) + "]";
  }

  private static String format(double v) {
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }

  /**
   * Bins frozen from a training sample: categories when every value is an integer and there are few
   * distinct ones; otherwise point masses for values holding at least 1/{@value QUANTILE_BINS} of
   * the sample (and for zero when {@code zeroIsPointMass} and any exact zero occurs), and decile
   * edges of the rest from a KLL sketch, with the sample's minimum and maximum as the tails' edges.
   */
  public static FeatureBins fromSample(double[] sample, boolean zeroIsPointMass) {
    Map<Double, Integer> frequency = new HashMap<>();
    int finite = 0;
    boolean integral = true;
    for (double v : sample) {
      if (Double.isFinite(v)) {
        finite++;
        frequency.merge(v + 0.0, 1, Integer::sum);
        integral &= v == Math.rint(v);
      }
    }
    if (finite == 0) {
      return new FeatureBins(false, new double[0], new double[0]);
    }
    if (integral && frequency.size() <= MAX_CATEGORIES) {
      double[] categories = frequency.keySet().stream().mapToDouble(Double::doubleValue).toArray();
      return new FeatureBins(true, categories, new double[0]);
    }
    List<Double> masses = new ArrayList<>();
    for (Map.Entry<Double, Integer> e : frequency.entrySet()) {
      if (e.getValue() * (long) QUANTILE_BINS >= finite || (zeroIsPointMass && e.getKey() == 0.0)) {
        masses.add(e.getKey());
      }
    }
    KllDoublesSketch rest = KllDoublesSketch.newHeapInstance();
    for (double v : sample) {
      if (Double.isFinite(v) && !masses.contains(v + 0.0)) {
        rest.update(v + 0.0);
      }
    }
    return new FeatureBins(
        false, masses.stream().mapToDouble(Double::doubleValue).toArray(), edgesOf(rest));
  }

  /**
   * Bins taken from a sketch, when no frozen bins exist (no baseline): decile edges, which for a
   * discrete quantity are its values, so that each keeps a bin of its own.
   */
  public static FeatureBins fromSketch(KllDoublesSketch sketch) {
    return new FeatureBins(false, new double[0], edgesOf(sketch));
  }

  private static double[] edgesOf(KllDoublesSketch sketch) {
    if (sketch.isEmpty()) {
      return new double[0];
    }
    double[] ranks = new double[QUANTILE_BINS + 1];
    for (int i = 0; i <= QUANTILE_BINS; i++) {
      ranks[i] = i / (double) QUANTILE_BINS;
    }
    double[] quantiles = sketch.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
    quantiles[0] = sketch.getMinItem();
    quantiles[QUANTILE_BINS] = sketch.getMaxItem();
    return Arrays.stream(quantiles).map(v -> v + 0.0).distinct().sorted().toArray();
  }

  /**
   * Approximate counts of a sketch (finite values) on these bins, for comparisons where exact
   * counts on common bins do not exist; the missing count is given separately.
   */
  public long[] countsFromSketch(KllDoublesSketch sketch, long missing) {
    long[] counts = new long[size()];
    counts[0] = missing;
    if (sketch.isEmpty()) {
      return counts;
    }
    long n = sketch.getN();
    double[] weights = new double[size()];
    for (int i = 0; i < pointMasses.length; i++) {
      double at = sketch.getRank(pointMasses[i], QuantileSearchCriteria.INCLUSIVE);
      double below = sketch.getRank(pointMasses[i], QuantileSearchCriteria.EXCLUSIVE);
      weights[1 + i] = at - below;
    }
    int base = 1 + pointMasses.length;
    double previous = 0.0;
    for (int i = 0; i <= edges.length; i++) {
      double upTo =
          i == edges.length ? 1.0 : sketch.getRank(edges[i], QuantileSearchCriteria.INCLUSIVE);
      double masses = 0.0;
      for (int m = 0; m < pointMasses.length; m++) {
        double p = pointMasses[m];
        boolean inside = (i == 0 || p > edges[i - 1]) && (i == edges.length || p <= edges[i]);
        if (inside) {
          masses += weights[1 + m];
        }
      }
      weights[base + i] = Math.max(0.0, upTo - previous - masses);
      previous = upTo;
    }
    for (int i = 1; i < counts.length; i++) {
      counts[i] = Math.round(weights[i] * n);
    }
    return counts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureBins b
        && b.categorical == categorical
        && Arrays.equals(b.pointMasses, pointMasses)
        && Arrays.equals(b.edges, edges);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(pointMasses) + Arrays.hashCode(edges) + (categorical ? 1 : 0);
  }

  @Override
  public String toString() {
    return "FeatureBins[categorical="
        + categorical
        + ", pointMasses="
        + Arrays.toString(pointMasses)
        + ", edges="
        + Arrays.toString(edges)
        + "]";
  }
}
