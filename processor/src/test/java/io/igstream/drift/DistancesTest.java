package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values are hand arithmetic (shown) or were computed once by
 * tools/drift/reference_values.py (scipy 1.17.1, numpy 2.4.6, Evidently 0.7.23) and pasted here.
 */
class DistancesTest {

  private static final double EXACT = 1e-12;

  @Nested
  class Binned {

    // p = [.1 .2 .3 .4], q = [.4 .3 .2 .1]
    private final long[] ascending = {10, 20, 30, 40};
    private final long[] descending = {40, 30, 20, 10};

    @Test
    void reversedBinsAgreeWithScipyAndHandArithmetic() {
      // scipy: jensenshannon(p, q, base=2) ** 2
      assertThat(Distances.jensenShannonBits(ascending, descending))
          .isCloseTo(0.15356065532898464, within(EXACT));
      // (.3 ln 4 + .1 ln 1.5 - .1 ln(2/3) - .3 ln(1/4)) = .6 ln 4 + .2 ln 1.5 = 0.9128696...;
      // Evidently's _psi gives 0.9128696382935673.
      assertThat(Distances.psi(ascending, descending)).isCloseTo(0.9128696382935673, within(EXACT));
      // numpy: sqrt(sum((sqrt p - sqrt q)^2)) / sqrt 2
      assertThat(Distances.hellinger(ascending, descending))
          .isCloseTo(0.33181629170877724, within(EXACT));
      // |.1 - .4| = .3
      assertThat(Distances.lInfinity(ascending, descending)).isCloseTo(0.3, within(EXACT));
    }

    @Test
    void psiFillsABinEmptyInTheReferenceAsEvidentlyDoes() {
      long[] reference = {50, 30, 20, 0};
      long[] current = {40, 30, 20, 10};
      // p = [.5 .3 .2 1e-4] (no renormalisation), q = [.4 .3 .2 .1]:
      // (.4 - .5) ln .8 + (.1 - 1e-4) ln(.1 / 1e-4) = .0223144 + .0999 * 6.9077553 = 0.7123991;
      // Evidently's _psi on the same categories: 0.7123991075017365.
      assertThat(Distances.psi(reference, current)).isCloseTo(0.7123991075017365, within(EXACT));
      assertThat(Distances.jensenShannonBits(reference, current))
          .isCloseTo(0.054015773072799964, within(EXACT));
      assertThat(Distances.hellinger(reference, current))
          .isCloseTo(0.22975292054736118, within(EXACT));
      assertThat(Distances.lInfinity(reference, current)).isCloseTo(0.1, within(EXACT));
    }

    @Test
    void psiFillsBelowASideAlreadyHoldingATinyShare() {
      // The reference's smallest non-empty share, 1/20001, is below 1e-4, so Evidently fills its
      // empty bin with (1/20001) / 10^6 instead of 1e-4.
      long[] reference = {20000, 1, 0};
      long[] current = {10000, 5000, 5000};
      assertThat(Distances.psi(reference, current)).isCloseTo(8.05858733036868, within(1e-10));
      assertThat(Distances.jensenShannonBits(reference, current))
          .isCloseTo(0.3109494996582941, within(EXACT));
      assertThat(Distances.hellinger(reference, current))
          .isCloseTo(0.5379362883271565, within(EXACT));
      assertThat(Distances.lInfinity(reference, current))
          .isCloseTo(0.499950002499875, within(EXACT));
    }

    @Test
    void aBinEmptyOnBothSidesIsDropped() {
      long[] reference = {10, 0, 0, 10};
      long[] current = {5, 0, 10, 5};
      // Evidently sees only the categories present, so bin 1 does not exist for it either.
      assertThat(Distances.psi(reference, current)).isCloseTo(4.604318466668949, within(EXACT));
      assertThat(Distances.jensenShannonBits(reference, current))
          .isCloseTo(0.3112781244591328, within(EXACT));
      assertThat(Distances.hellinger(reference, current))
          .isCloseTo(0.541196100146197, within(EXACT));
      assertThat(Distances.lInfinity(reference, current)).isCloseTo(0.5, within(EXACT));
      assertThat(Distances.nonEmptyBins(reference, current)).isEqualTo(3);
      // Dropping the bin does not change the value: same as without it.
      assertThat(Distances.psi(new long[] {10, 0, 10}, new long[] {5, 10, 5}))
          .isCloseTo(4.604318466668949, within(EXACT));
    }

    @Test
    void identicalSharesAreAtDistanceZero() {
      long[] reference = {3, 0, 5, 2};
      long[] current = {30, 0, 50, 20};
      assertThat(Distances.jensenShannonBits(reference, current)).isZero();
      assertThat(Distances.psi(reference, current)).isZero();
      assertThat(Distances.hellinger(reference, current)).isZero();
      assertThat(Distances.lInfinity(reference, current)).isZero();
    }

    @Test
    void disjointSupportsAreAtTheMaximum() {
      long[] reference = {3, 0, 5, 0};
      long[] current = {0, 7, 0, 2};
      // JSD: each side's mass sits where m is half of it: 1/2 * 1 + 1/2 * 1 = 1 bit.
      assertThat(Distances.jensenShannonBits(reference, current)).isCloseTo(1, within(EXACT));
      // Hellinger: sum p + sum q = 2, sqrt(2 / 2) = 1.
      assertThat(Distances.hellinger(reference, current)).isCloseTo(1, within(EXACT));
      // Largest share difference: 7/9 in bin 1 (bin 2 differs by 5/8).
      assertThat(Distances.lInfinity(reference, current)).isCloseTo(7.0 / 9, within(EXACT));
    }

    @Test
    void aSideWithoutCountsGivesNaN() {
      long[] empty = {0, 0, 0};
      long[] some = {1, 2, 3};
      assertThat(Distances.jensenShannonBits(empty, some)).isNaN();
      assertThat(Distances.psi(some, empty)).isNaN();
      assertThat(Distances.hellinger(empty, empty)).isNaN();
      assertThat(Distances.lInfinity(new long[0], new long[0])).isNaN();
    }

    @Test
    void badCountsAreRejected() {
      assertThatThrownBy(() -> Distances.jensenShannonBits(new long[] {1, 2}, new long[] {1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("same bins")
          .hasMessageContaining("2 and 1");
      assertThatThrownBy(() -> Distances.psi(new long[] {1, -2}, new long[] {1, 1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("non-negative")
          .hasMessageContaining("bin 1");
      assertThatThrownBy(() -> Distances.hellinger(null, new long[] {1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("null");
      assertThatThrownBy(() -> Distances.lInfinity(new long[] {1}, new long[] {-1}))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class NoDriftPValue {

    @Test
    void matchesTheChiSquareSurvivalOfTheScaledJsd() {
      // scipy: chi2.sf(8 ln2 * 100*100/200 * 0.15356065532898464, 3)
      assertThat(Distances.noDriftPValue(0.15356065532898464, 4, 100, 100))
          .isCloseTo(3.02770291893762e-09, within(1e-20));
      // chi2.sf(8 ln2 * 20*20/40 * 0.3112781244591328, 2)
      assertThat(Distances.noDriftPValue(0.3112781244591328, 3, 20, 20))
          .isCloseTo(0.00017858209017001522, within(1e-15));
    }

    @Test
    void noiseSizedDifferencesAreNotDrift() {
      long[] reference = {98, 105, 97, 100, 102, 99, 101, 96, 103, 99};
      long[] current = {81, 86, 77, 83, 80, 85, 79, 84, 82, 81};
      double jsd = Distances.jensenShannonBits(reference, current);
      assertThat(jsd).isCloseTo(0.00022649842085267557, within(EXACT));
      // chi2.sf(8 ln2 * 1000*818/1818 * jsd, 9)
      assertThat(
              Distances.noDriftPValue(jsd, Distances.nonEmptyBins(reference, current), 1000, 818))
          .isCloseTo(0.9999485791514628, within(1e-10));
    }

    @Test
    void fewerThanTwoBinsCannotShowDrift() {
      assertThat(Distances.noDriftPValue(0, 1, 10, 10)).isEqualTo(1);
      assertThat(Distances.noDriftPValue(0, 0, 0, 0)).isEqualTo(1);
    }

    @Test
    void zeroDivergenceHasPValueOne() {
      assertThat(Distances.noDriftPValue(0, 10, 1000, 1000)).isEqualTo(1);
    }

    @Test
    void badArgumentsAreRejected() {
      assertThatThrownBy(() -> Distances.noDriftPValue(1.5, 3, 10, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("[0, 1]");
      assertThatThrownBy(() -> Distances.noDriftPValue(0.1, 3, -1, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("non-negative");
      assertThat(Distances.noDriftPValue(0.1, 3, 0, 10)).isNaN();
    }
  }

  @Nested
  class KolmogorovSmirnov {

    @Test
    void smallSamplesWithTiesMatchScipyAsymp() {
      double[] reference = {0.61, -0.29, 1.06, 0.35, -1.73, 0.35, 0.51, -0.56};
      double[] current = {1.2, 0.35, 1.95, 0.87, 2.41, -0.12, 1.33, 0.61, 1.78, 0.95};
      Distances.KsResult result =
          Distances.ks(
              EmpiricalDistribution.ofSample(reference), EmpiricalDistribution.ofSample(current));
      // scipy ks_2samp(method='asymp'): statistic 0.575 = 7/8 - 3/10 at x = 0.61
      assertThat(result.statistic()).isCloseTo(0.575, within(EXACT));
      // n_e = 80/18 = 4.44, rounded to 4; scipy: kstwo.sf(0.575, 4)
      assertThat(result.pValue()).isCloseTo(0.08990390625000004, within(1e-12));
    }

    @Test
    void mediumSamplesMatchScipyAsymp() {
      Distances.KsResult result =
          Distances.ks(
              EmpiricalDistribution.ofSample(modularSample(50, 37, 101, 1, 0)),
              EmpiricalDistribution.ofSample(modularSample(60, 41, 103, 1, 0.15)));
      assertThat(result.statistic()).isCloseTo(0.24333333333333335, within(EXACT));
      assertThat(result.pValue()).isCloseTo(0.06821526873267847, within(1e-12));
    }

    @Test
    void samplesPastTheSmallSizeRegimeMatchScipyAsymp() {
      // n_e = 400*300/700 = 171.4, past the n <= 140 branch of the distribution.
      Distances.KsResult result =
          Distances.ks(
              EmpiricalDistribution.ofSample(modularSample(400, 7919, 1009, 1, 0)),
              EmpiricalDistribution.ofSample(modularSample(300, 104729, 997, 1.1, 0.02)));
      assertThat(result.statistic()).isCloseTo(0.10666666666666669, within(EXACT));
      assertThat(result.pValue()).isCloseTo(0.037848034575588496, within(1e-12));
    }

    @Test
    void identicalSamplesHaveStatisticZeroAndPValueOne() {
      EmpiricalDistribution sample = EmpiricalDistribution.ofSample(new double[] {1, 2, 2, 3});
      Distances.KsResult result = Distances.ks(sample, sample);
      assertThat(result.statistic()).isZero();
      assertThat(result.pValue()).isEqualTo(1);
    }

    @Test
    void disjointSamplesHaveStatisticOne() {
      Distances.KsResult result =
          Distances.ks(
              EmpiricalDistribution.ofSample(new double[] {1, 2, 3}),
              EmpiricalDistribution.ofSample(new double[] {4, 5}));
      assertThat(result.statistic()).isEqualTo(1);
      assertThat(result.pValue()).isZero();
    }

    @Test
    void anEmptySideGivesNaN() {
      Distances.KsResult result =
          Distances.ks(
              EmpiricalDistribution.ofSample(new double[0]),
              EmpiricalDistribution.ofSample(new double[] {1}));
      assertThat(result.statistic()).isNaN();
      assertThat(result.pValue()).isNaN();
    }

    @Test
    void sketchesOfTenThousandDrawsStayWithinTheirRankError() {
      double[] reference = modularSample(10_000, 7919, 10007, 1, 0);
      double[] current = modularSample(10_000, 7919, 10007, 0.9, 0.08);
      KllDoublesSketch referenceSketch = KllDoublesSketch.newHeapInstance(200);
      KllDoublesSketch currentSketch = KllDoublesSketch.newHeapInstance(200);
      for (int i = 0; i < reference.length; i++) {
        referenceSketch.update(reference[i]);
        currentSketch.update(current[i]);
      }
      // Each side's cdf is off by at most its normalized rank error, so D by at most their sum.
      double tolerance =
          referenceSketch.getNormalizedRankError(false)
              + currentSketch.getNormalizedRankError(false);
      Distances.KsResult fromSketches =
          Distances.ks(
              EmpiricalDistribution.ofSketch(referenceSketch),
              EmpiricalDistribution.ofSketch(currentSketch));
      // scipy ks_2samp on the exact samples: statistic 0.08
      assertThat(fromSketches.statistic()).isCloseTo(0.08, within(tolerance));
      Distances.KsResult exact =
          Distances.ks(
              EmpiricalDistribution.ofSample(reference), EmpiricalDistribution.ofSample(current));
      assertThat(exact.statistic()).isCloseTo(0.08, within(EXACT));
      // scipy: kstwo.sf(0.08, 5000)
      assertThat(exact.pValue()).isCloseTo(2.7832218159269087e-28, within(1e-38));
      // The sketches' N is the count the p-value uses, not the number of retained items.
      assertThat(EmpiricalDistribution.ofSketch(referenceSketch).count()).isEqualTo(10_000);
    }
  }

  @Nested
  class NormedWasserstein {

    @Test
    void smallSamplesMatchEvidentlyAndScipy() {
      double[] reference = {0.61, -0.29, 1.06, 0.35, -1.73, 0.35, 0.51, -0.56};
      double[] current = {1.2, 0.35, 1.95, 0.87, 2.41, -0.12, 1.33, 0.61, 1.78, 0.95};
      // Evidently _wasserstein_distance_norm = scipy wasserstein_distance / np.std(reference)
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSample(reference),
                  EmpiricalDistribution.ofSample(current)))
          .isCloseTo(1.3358576546005314, within(EXACT));
    }

    @Test
    void aConstantReferenceIsNormedByTheFloor() {
      // std 0 is floored at 0.001; |F_ref - F_cur| = 1 - 1/2 on [2, 3): W = 0.5, 0.5 / 0.001 = 500.
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSample(new double[] {2, 2, 2}),
                  EmpiricalDistribution.ofSample(new double[] {2, 3})))
          .isCloseTo(500, within(1e-9));
    }

    @Test
    void shiftByOneStdIsOne() {
      // Reference {0, 2}: mean 1, population std 1; a shift by c moves W_1 by exactly c.
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSample(new double[] {0, 2}),
                  EmpiricalDistribution.ofSample(new double[] {1, 3})))
          .isCloseTo(1, within(EXACT));
    }

    @Test
    void sketchesStayCloseToTheExactValue() {
      double[] reference = modularSample(10_000, 7919, 10007, 1, 0);
      double[] current = modularSample(10_000, 7919, 10007, 0.9, 0.08);
      KllDoublesSketch referenceSketch = KllDoublesSketch.newHeapInstance(200);
      KllDoublesSketch currentSketch = KllDoublesSketch.newHeapInstance(200);
      for (int i = 0; i < reference.length; i++) {
        referenceSketch.update(reference[i]);
        currentSketch.update(current[i]);
      }
      // |W_sketch - W_exact| <= (eps_ref + eps_cur) * range, range = 1, then / std (~0.2887);
      // the std moves too, so the bound gets a little slack.
      double tolerance =
          1.2
              * (referenceSketch.getNormalizedRankError(false)
                  + currentSketch.getNormalizedRankError(false))
              / 0.2887;
      // Evidently _wasserstein_distance_norm on the exact samples: 0.11776785897525284
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSketch(referenceSketch),
                  EmpiricalDistribution.ofSketch(currentSketch)))
          .isCloseTo(0.11776785897525284, within(tolerance));
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSample(reference),
                  EmpiricalDistribution.ofSample(current)))
          .isCloseTo(0.11776785897525284, within(EXACT));
    }

    @Test
    void anEmptySideGivesNaN() {
      assertThat(
              Distances.normedWasserstein(
                  EmpiricalDistribution.ofSample(new double[] {1}),
                  EmpiricalDistribution.ofSketch(KllDoublesSketch.newHeapInstance(200))))
          .isNaN();
    }
  }

  /** ((i * multiplier) mod modulus) / modulus * scale + shift, as reference_values.py builds it. */
  static double[] modularSample(
      int count, long multiplier, long modulus, double scale, double shift) {
    double[] sample = new double[count];
    for (int i = 0; i < count; i++) {
      sample[i] = (double) ((i * multiplier) % modulus) / modulus * scale + shift;
    }
    return sample;
  }
}
