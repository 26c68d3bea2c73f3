package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bin layout: missing, point masses, right-closed intervals with tails; categories detected. */
class FeatureBinsTest {

  @Test
  void layoutPutsEachValueInTheDocumentedBin() {
    FeatureBins bins = new FeatureBins(false, new double[] {0.0}, new double[] {1, 2, 3});
    // 0 missing, 1 "=0", 2 (-inf,1], 3 (1,2], 4 (2,3], 5 (3,inf)
    assertThat(bins.size()).isEqualTo(6);
    assertThat(bins.index(Double.NaN)).isEqualTo(0);
    assertThat(bins.index(0.0)).isEqualTo(1);
    assertThat(bins.index(-5)).isEqualTo(2);
    assertThat(bins.index(1.0)).isEqualTo(2);
    assertThat(bins.index(1.5)).isEqualTo(3);
    assertThat(bins.index(3.0)).isEqualTo(4);
    assertThat(bins.index(3.0001)).isEqualTo(5);
    assertThat(bins.label(5)).isEqualTo(">3.000");
  }

  @Test
  void fewIntegerValuesAreCategories() {
    double[] sample = new double[300];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = i % 3;
    }
    FeatureBins bins = FeatureBins.fromSample(sample, false);
    assertThat(bins.categorical()).isTrue();
    assertThat(bins.pointMasses()).containsExactly(0, 1, 2);
    assertThat(bins.index(7)).isEqualTo(bins.size() - 1); // "other"
  }

  @Test
  void continuousSampleGetsDecilesAndTailsAndZeroMass() {
    double[] sample = new double[1000];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = i % 10 == 0 ? 0.0 : i / 1000.0;
    }
    FeatureBins bins = FeatureBins.fromSample(sample, true);
    assertThat(bins.categorical()).isFalse();
    assertThat(bins.pointMasses()).containsExactly(0.0);
    // Minimum, nine deciles and the maximum of the non-zero values: 11 edges, 12 intervals.
    assertThat(bins.edges()).hasSize(11);
    assertThat(bins.edges()[0]).isEqualTo(0.001);
    assertThat(bins.edges()[10]).isEqualTo(0.999);
    long[] counts = new long[bins.size()];
    for (double v : sample) {
      counts[bins.index(v)]++;
    }
    assertThat(counts[1]).isEqualTo(100);
    // Each decile bin holds about a tenth of the other 900 values.
    for (int i = 3; i < 3 + 10; i++) {
      assertThat(counts[i]).isBetween(70L, 110L);
    }
  }

  @Test
  void sketchCountsApproximateExactCounts() {
    double[] sample = new double[5000];
    java.util.Random r = new java.util.Random(3);
    FeatureSketch exact = new FeatureSketch(null);
    for (int i = 0; i < sample.length; i++) {
      sample[i] = r.nextGaussian();
      exact.add(sample[i]);
    }
    FeatureBins bins = FeatureBins.fromSample(sample, false);
    long[] fromSketch = bins.countsFromSketch(exact.sketch(), 0);
    long[] truth = new long[bins.size()];
    for (double v : sample) {
      truth[bins.index(v)]++;
    }
    for (int i = 0; i < truth.length; i++) {
      assertThat((double) Math.abs(fromSketch[i] - truth[i])).isLessThan(0.03 * sample.length);
    }
  }
}
