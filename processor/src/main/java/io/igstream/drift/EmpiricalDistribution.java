package io.igstream.drift;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.DoublesSortedView;

/**
 * A weighted step distribution: distinct finite values in ascending order with the cumulative
 * weight up to each, standing for {@code count} real observations.
 *
 * <p>An exact sample has weight 1 per observation; a KLL sketch has one weight per retained item,
 * so its cumulative weights are the sketch's approximate natural ranks.
 */
public record EmpiricalDistribution(double[] values, double[] cumulativeWeights, long count) {

  /** Validates and copies the arrays so that the distribution cannot change after construction. */
  public EmpiricalDistribution {
    if (values == null || cumulativeWeights == null) {
      throw new IllegalArgumentException("values and cumulativeWeights must not be null");
    }
    if (values.length != cumulativeWeights.length) {
      throw new IllegalArgumentException(
          "values and cumulativeWeights differ in length: "
              + values.length
              + " vs "
              + cumulativeWeights.length);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must be non-negative, got " + count);
    }
    if (values.length > 0 && count == 0) {
      throw new IllegalArgumentException("a non-empty distribution must stand for count > 0");
    }
    values = values.clone();
    cumulativeWeights = cumulativeWeights.clone();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("values must be finite, got " + values[i] + " at " + i);
      }
      if (i > 0 && values[i] < values[i - 1]) {
        throw new IllegalArgumentException("values must be ascending, broken at index " + i);
      }
      double weight = cumulativeWeights[i];
      double previous = i == 0 ? 0 : cumulativeWeights[i - 1];
      if (!Double.isFinite(weight) || weight < previous) {
        throw new IllegalArgumentException(
            "cumulativeWeights must be finite, non-negative and non-decreasing, broken at index "
                + i);
      }
    }
    if (values.length > 0 && !(cumulativeWeights[values.length - 1] > 0)) {
      throw new IllegalArgumentException("total weight must be positive");
    }
  }

  /** The exact distribution of a sample, NaN ignored; infinite values are rejected. */
  public static EmpiricalDistribution ofSample(double[] sample) {
    if (sample == null) {
      throw new IllegalArgumentException("sample must not be null");
    }
    double[] sorted = Arrays.stream(sample).filter(v -> !Double.isNaN(v)).sorted().toArray();
    double[] values = new double[sorted.length];
    double[] cumulative = new double[sorted.length];
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (distinct > 0 && sorted[i] == values[distinct - 1]) {
        cumulative[distinct - 1] = i + 1;
      } else {
        values[distinct] = sorted[i];
        cumulative[distinct] = i + 1;
        distinct++;
      }
    }
    return new EmpiricalDistribution(
        Arrays.copyOf(values, distinct), Arrays.copyOf(cumulative, distinct), sorted.length);
  }

  /** The distribution a KLL sketch approximates, from its sorted view; count is the sketch's N. */
  public static EmpiricalDistribution ofSketch(KllDoublesSketch sketch) {
    if (sketch == null) {
      throw new IllegalArgumentException("sketch must not be null");
    }
    if (sketch.isEmpty()) {
      return new EmpiricalDistribution(new double[0], new double[0], 0);
    }
    DoublesSortedView view = sketch.getSortedView();
    double[] quantiles = view.getQuantiles();
    long[] ranks = view.getCumulativeWeights();
    double[] values = new double[quantiles.length];
    double[] cumulative = new double[quantiles.length];
    int distinct = 0;
    for (int i = 0; i < quantiles.length; i++) {
      // Equal items retained at different levels appear as separate entries; keep the last rank.
      if (distinct > 0 && quantiles[i] == values[distinct - 1]) {
        cumulative[distinct - 1] = ranks[i];
      } else {
        values[distinct] = quantiles[i];
        cumulative[distinct] = ranks[i];
        distinct++;
      }
    }
    return new EmpiricalDistribution(
        Arrays.copyOf(values, distinct), Arrays.copyOf(cumulative, distinct), sketch.getN());
  }

  /** The distinct values, ascending (a copy). */
  @Override
  public double[] values() {
    return values.clone();
  }

  /** The total weight up to and including each value (a copy). */
  @Override
  public double[] cumulativeWeights() {
    return cumulativeWeights.clone();
  }

  /** Whether the distribution holds no value. */
  public boolean isEmpty() {
    return values.length == 0;
  }

  /** Number of distinct values. */
  public int size() {
    return values.length;
  }

  /** The i-th smallest distinct value. */
  public double valueAt(int i) {
    return values[i];
  }

  /** Share of the total weight at values up to and including the i-th. */
  public double cdfAt(int i) {
    return cumulativeWeights[i] / totalWeight();
  }

  /** The total weight, 0 when empty. */
  public double totalWeight() {
    return values.length == 0 ? 0 : cumulativeWeights[values.length - 1];
  }

  /** Share of the weight at values {@code <= x}; NaN for an empty distribution or NaN x. */
  public double cdf(double x) {
    if (isEmpty() || Double.isNaN(x)) {
      return Double.NaN;
    }
    int last = lastIndexAtMost(x);
    return last < 0 ? 0 : cumulativeWeights[last] / totalWeight();
  }

  /** Weighted mean; NaN when empty. */
  public double mean() {
    if (isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      sum += weightAt(i) * values[i];
    }
    return sum / totalWeight();
  }

  /**
   * Population (not sample) standard deviation, as numpy's default {@code np.std}; NaN when empty.
   */
  public double std() {
    if (isEmpty()) {
      return Double.NaN;
    }
    double mean = mean();
    double sum = 0;
    for (int i = 0; i < values.length; i++) {
      double deviation = values[i] - mean;
      sum += weightAt(i) * deviation * deviation;
    }
    return Math.sqrt(sum / totalWeight());
  }

  private double weightAt(int i) {
    return cumulativeWeights[i] - (i == 0 ? 0 : cumulativeWeights[i - 1]);
  }

  private int lastIndexAtMost(double x) {
    int low = 0;
    int high = values.length - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (values[middle] <= x) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EmpiricalDistribution that
        && count == that.count
        && Arrays.equals(values, that.values)
        && Arrays.equals(cumulativeWeights, that.cumulativeWeights);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(values) + Arrays.hashCode(cumulativeWeights))
        + Long.hashCode(count);
  }

  @Override
  public String toString() {
    return "EmpiricalDistribution[size="
        + values.length
        + ", totalWeight="
        + totalWeight()
        + ", count="
        + count
        + "]";
  }
}
