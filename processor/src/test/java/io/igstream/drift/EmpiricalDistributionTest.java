package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

/** Expected values are hand arithmetic, numpy's (np.mean, np.std) or DataSketches' own ranks. */
class EmpiricalDistributionTest {

  @Test
  void aSampleIsSortedWithTiesMergedAndNaNIgnored() {
    EmpiricalDistribution distribution =
        EmpiricalDistribution.ofSample(new double[] {3, 1, Double.NaN, 2, 2, 5});
    assertThat(distribution.values()).containsExactly(1, 2, 3, 5);
    // Cumulative counts: 1 once, 2 twice, 3 once, 5 once.
    assertThat(distribution.cumulativeWeights()).containsExactly(1, 3, 4, 5);
    assertThat(distribution.count()).isEqualTo(5);
    assertThat(distribution.isEmpty()).isFalse();
  }

  @Test
  void cdfIsTheShareAtOrBelow() {
    EmpiricalDistribution distribution =
        EmpiricalDistribution.ofSample(new double[] {3, 1, 2, 2, 5});
    assertThat(distribution.cdf(0.5)).isZero();
    assertThat(distribution.cdf(1)).isCloseTo(1.0 / 5, within(1e-15));
    assertThat(distribution.cdf(2)).isCloseTo(3.0 / 5, within(1e-15));
    assertThat(distribution.cdf(2.5)).isCloseTo(3.0 / 5, within(1e-15));
    assertThat(distribution.cdf(4.99)).isCloseTo(4.0 / 5, within(1e-15));
    assertThat(distribution.cdf(5)).isEqualTo(1);
    assertThat(distribution.cdf(Double.POSITIVE_INFINITY)).isEqualTo(1);
    assertThat(distribution.cdf(Double.NaN)).isNaN();
  }

  @Test
  void momentsMatchNumpy() {
    EmpiricalDistribution distribution =
        EmpiricalDistribution.ofSample(new double[] {3, 1, 2, 2, 5});
    // np.mean([3, 1, 2, 2, 5]) = 13 / 5
    assertThat(distribution.mean()).isCloseTo(2.6, within(1e-15));
    // np.std (population): sqrt((0.16 + 2.56 + 0.36 + 0.36 + 5.76) / 5) = sqrt(1.84)
    assertThat(distribution.std()).isCloseTo(1.3564659966250538, within(1e-15));
  }

  @Test
  void anEmptySampleIsEmpty() {
    EmpiricalDistribution distribution = EmpiricalDistribution.ofSample(new double[] {Double.NaN});
    assertThat(distribution.isEmpty()).isTrue();
    assertThat(distribution.count()).isZero();
    assertThat(distribution.cdf(0)).isNaN();
    assertThat(distribution.mean()).isNaN();
    assertThat(distribution.std()).isNaN();
  }

  @Test
  void anEmptySketchIsEmpty() {
    EmpiricalDistribution distribution =
        EmpiricalDistribution.ofSketch(KllDoublesSketch.newHeapInstance(200));
    assertThat(distribution.isEmpty()).isTrue();
    assertThat(distribution.count()).isZero();
  }

  @Test
  void aSketchBelowItsCapacityIsTheExactSample() {
    // Fewer items than k: the sketch keeps every item with weight 1.
    double[] sample = {4, 8, 15, 16, 23, 42, 15};
    KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
    for (double value : sample) {
      sketch.update(value);
    }
    EmpiricalDistribution distribution = EmpiricalDistribution.ofSketch(sketch);
    assertThat(distribution.values()).containsExactly(4, 8, 15, 16, 23, 42);
    assertThat(distribution.cumulativeWeights()).containsExactly(1, 2, 4, 5, 6, 7);
    assertThat(distribution.count()).isEqualTo(7);
  }

  @Test
  void aCompactedSketchKeepsItsOwnRanksAndN() {
    KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(200);
    double[] sample = DistancesTest.modularSample(10_000, 7919, 10007, 1, 0);
    for (double value : sample) {
      sketch.update(value);
    }
    EmpiricalDistribution distribution = EmpiricalDistribution.ofSketch(sketch);
    assertThat(distribution.count()).isEqualTo(10_000);
    assertThat(distribution.totalWeight()).isEqualTo(10_000);
    assertThat(distribution.size()).isLessThan(10_000);
    for (double x : new double[] {0.01, 0.25, 0.5, 0.75, 0.99}) {
      // The sketch's own inclusive normalized rank is what the distribution's cdf must be.
      assertThat(distribution.cdf(x))
          .isCloseTo(sketch.getRank(x, QuantileSearchCriteria.INCLUSIVE), within(1e-12));
      // And it approximates the exact cdf (10007 evenly spread values, 10,000 of them kept).
      assertThat(distribution.cdf(x))
          .isCloseTo(EmpiricalDistribution.ofSample(sample).cdf(x), within(0.02));
    }
  }

  @Test
  void arraysAreCopiedInAndOut() {
    double[] values = {1, 2};
    double[] weights = {1, 2};
    EmpiricalDistribution distribution = new EmpiricalDistribution(values, weights, 2);
    values[0] = 99;
    distribution.values()[1] = 99;
    assertThat(distribution.values()).containsExactly(1, 2);
  }

  @Test
  void inconsistentArgumentsAreRejected() {
    assertThatThrownBy(() -> new EmpiricalDistribution(new double[] {1, 2}, new double[] {1}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in length");
    assertThatThrownBy(() -> new EmpiricalDistribution(new double[] {2, 1}, new double[] {1, 2}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> new EmpiricalDistribution(new double[] {1, 2}, new double[] {2, 1}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-decreasing");
    assertThatThrownBy(() -> new EmpiricalDistribution(new double[] {1}, new double[] {1}, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-negative");
    assertThatThrownBy(() -> EmpiricalDistribution.ofSample(new double[] {1, Double.NaN, 1 / 0.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> EmpiricalDistribution.ofSample(null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
