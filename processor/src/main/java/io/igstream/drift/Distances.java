package io.igstream.drift;

import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * Distances between a reference and a current distribution: on count vectors over shared bins (bins
 * empty on both sides dropped), and on empirical distributions.
 */
public final class Distances {

  /** The share an empty bin gets in PSI unless a side has non-empty shares that small. */
  static final double PSI_EMPTY_SHARE = 1e-4;

  private Distances() {}

  /** Two-sample Kolmogorov-Smirnov statistic sup |F_ref - F_cur| and its asymptotic p-value. */
  public record KsResult(double statistic, double pValue) {}

  /** Jensen-Shannon divergence with log base 2, in [0, 1]; NaN when a side has no count. */
  public static double jensenShannonBits(long[] reference, long[] current) {
    Shares shares = Shares.of(reference, current);
    if (shares == null) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < shares.p.length; i++) {
      double p = shares.p[i];
      double q = shares.q[i];
      double m = 0.5 * (p + q);
      if (p > 0) {
        sum += p * Math.log(p / m);
      }
      if (q > 0) {
        sum += q * Math.log(q / m);
      }
    }
    return clipUnit(0.5 * sum / Math.log(2));
  }

  /**
   * Population stability index sum (q - p) ln(q / p). Empty shares follow Evidently's rule, side by
   * side: 1e-4, or the side's smallest non-empty share divided by 10^6 when that share is 1e-4 or
   * less; shares are not renormalised afterwards (Evidently does not either).
   */
  public static double psi(long[] reference, long[] current) {
    Shares shares = Shares.of(reference, current);
    if (shares == null) {
      return Double.NaN;
    }
    double[] p = withEmptyShareFilled(shares.p);
    double[] q = withEmptyShareFilled(shares.q);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += (q[i] - p[i]) * Math.log(q[i] / p[i]);
    }
    return sum;
  }

  /** Hellinger distance ||sqrt p - sqrt q||_2 / sqrt 2, in [0, 1]. */
  public static double hellinger(long[] reference, long[] current) {
    Shares shares = Shares.of(reference, current);
    if (shares == null) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < shares.p.length; i++) {
      double difference = Math.sqrt(shares.p[i]) - Math.sqrt(shares.q[i]);
      sum += difference * difference;
    }
    return clipUnit(Math.sqrt(sum / 2));
  }

  /** Largest difference of bin shares max |p_i - q_i|, as Vertex AI and TFDV use for categories. */
  public static double lInfinity(long[] reference, long[] current) {
    Shares shares = Shares.of(reference, current);
    if (shares == null) {
      return Double.NaN;
    }
    double largest = 0;
    for (int i = 0; i < shares.p.length; i++) {
      largest = Math.max(largest, Math.abs(shares.p[i] - shares.q[i]));
    }
    return largest;
  }

  /**
   * P-value of "no drift" for a JSD measured on {@code bins} non-empty bins from n reference and m
   * current observations: 8 ln2 n m/(n + m) JSD_bits is then about chi-square with bins - 1 degrees
   * of freedom (it is the G-test statistic of the 2 x bins table when n = m). 1 when bins < 2.
   */
  public static double noDriftPValue(double jsdBits, int bins, long n, long m) {
    if (n < 0 || m < 0) {
      throw new IllegalArgumentException("n and m must be non-negative, got " + n + " and " + m);
    }
    if (bins < 0) {
      throw new IllegalArgumentException("bins must be non-negative, got " + bins);
    }
    if (!Double.isNaN(jsdBits) && (jsdBits < 0 || jsdBits > 1)) {
      throw new IllegalArgumentException("jsdBits must be in [0, 1], got " + jsdBits);
    }
    if (bins < 2) {
      return 1;
    }
    if (Double.isNaN(jsdBits) || n == 0 || m == 0) {
      return Double.NaN;
    }
    double statistic = 8 * Math.log(2) * effectiveSize(n, m) * jsdBits;
    return ChiSquaredDistribution.of(bins - 1).survivalProbability(statistic);
  }

  /** Number of bins non-empty on at least one side: the bins argument of {@link #noDriftPValue}. */
  public static int nonEmptyBins(long[] reference, long[] current) {
    validate(reference, current);
    int bins = 0;
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] > 0 || current[i] > 0) {
        bins++;
      }
    }
    return bins;
  }

  /**
   * Two-sample Kolmogorov-Smirnov test. The p-value is that of scipy's {@code ks_2samp(...,
   * method='asymp')}: the one-sample distribution of D at n_e = round(n m/(n + m)) (half to even,
   * and at least 1), with n and m the distributions' counts. NaN statistic and p-value when either
   * side is empty.
   */
  public static KsResult ks(EmpiricalDistribution reference, EmpiricalDistribution current) {
    requireNonNull(reference, current);
    if (reference.isEmpty() || current.isEmpty()) {
      return new KsResult(Double.NaN, Double.NaN);
    }
    double statistic = new CdfWalk(reference, current).supremum();
    // scipy rounds because kstwo is defined for whole n; rounding the same way keeps p-values
    // equal.
    long roundedSize =
        Math.max(1, (long) Math.rint(effectiveSize(reference.count(), current.count())));
    return new KsResult(statistic, KolmogorovDistribution.survival(roundedSize, statistic));
  }

  /**
   * Wasserstein-1 distance (integral of |F_ref - F_cur| dx) divided by the reference's population
   * std, floored at 0.001 as Evidently does so that a constant reference does not divide by zero.
   * NaN when either side is empty.
   */
  public static double normedWasserstein(
      EmpiricalDistribution reference, EmpiricalDistribution current) {
    requireNonNull(reference, current);
    if (reference.isEmpty() || current.isEmpty()) {
      return Double.NaN;
    }
    double norm = Math.max(reference.std(), 0.001);
    return new CdfWalk(reference, current).integral() / norm;
  }

  private static double effectiveSize(long n, long m) {
    return (double) n * m / ((double) n + m);
  }

  private static double[] withEmptyShareFilled(double[] shares) {
    double smallest = Double.POSITIVE_INFINITY;
    for (double share : shares) {
      if (share > 0) {
        smallest = Math.min(smallest, share);
      }
    }
    double fill = smallest <= PSI_EMPTY_SHARE ? smallest / 1e6 : PSI_EMPTY_SHARE;
    double[] filled = shares.clone();
    for (int i = 0; i < filled.length; i++) {
      if (filled[i] == 0) {
        filled[i] = fill;
      }
    }
    return filled;
  }

  private static double clipUnit(double value) {
    return Math.max(0, Math.min(1, value));
  }

  private static void requireNonNull(
      EmpiricalDistribution reference, EmpiricalDistribution current) {
    if (reference == null || current == null) {
      throw new IllegalArgumentException("reference and current must not be null");
    }
  }

  static void validate(long[] reference, long[] current) {
    if (reference == null || current == null) {
      throw new IllegalArgumentException("reference and current counts must not be null");
    }
    if (reference.length != current.length) {
      throw new IllegalArgumentException(
          "reference and current must have the same bins, got lengths "
              + reference.length
              + " and "
              + current.length);
    }
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] < 0 || current[i] < 0) {
        throw new IllegalArgumentException(
            "counts must be non-negative, bin "
                + i
                + " has "
                + reference[i]
                + " and "
                + current[i]);
      }
    }
  }

  /** Bin shares of both sides over the bins non-empty on at least one side. */
  private record Shares(double[] p, double[] q) {

    /** The shares, or null when either side has a zero total. */
    static Shares of(long[] reference, long[] current) {
      validate(reference, current);
      double referenceTotal = 0;
      double currentTotal = 0;
      for (int i = 0; i < reference.length; i++) {
        referenceTotal += reference[i];
        currentTotal += current[i];
      }
      if (referenceTotal == 0 || currentTotal == 0) {
        return null;
      }
      int bins = nonEmptyBins(reference, current);
      double[] p = new double[bins];
      double[] q = new double[bins];
      int next = 0;
      for (int i = 0; i < reference.length; i++) {
        if (reference[i] > 0 || current[i] > 0) {
          p[next] = reference[i] / referenceTotal;
          q[next] = current[i] / currentTotal;
          next++;
        }
      }
      return new Shares(p, q);
    }
  }
}
