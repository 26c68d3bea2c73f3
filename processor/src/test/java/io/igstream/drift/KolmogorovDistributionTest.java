package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values are scipy 1.17.1's kstwo.sf(d, n) and kstwobign.sf(z), computed once. */
class KolmogorovDistributionTest {

  @ParameterizedTest(name = "kstwo.sf({1}, {0}) = {2} ({3})")
  @CsvSource({
    "5, 0.15, 0.9988, Ruben-Gambino near zero",
    "5, 0.9, 1.9999999999999978e-05, Ruben-Gambino near one",
    "20, 0.6, 2.0483011649719853e-07, twice the one-sided tail above 1/2",
    "20, 0.15, 0.7044671549442872, Durbin for small n",
    "100, 0.25, 5.408871776434847e-06, one-sided tail for small n",
    "1000, 0.06, 0.001428597887952891, one-sided tail",
    "1000, 0.03, 0.3226902143914636, Pelz-Good",
    "1000, 0.01, 0.9999496745370611, Durbin for small n d",
    "50000, 0.005, 0.16353363492434803, Pelz-Good",
    "200000, 0.004, 0.003314212822560255, one-sided tail for large n",
    "5000000, 0.0003, 0.7589778613140956, Pelz-Good for very large n",
  })
  void survivalMatchesScipyKstwo(long n, double d, double expected, String region) {
    assertThat(KolmogorovDistribution.survival(n, d)).isCloseTo(expected, withinPercentage(1e-7));
  }

  @ParameterizedTest(name = "kstwobign.sf({0}) = {1}")
  @CsvSource({
    "0.5, 0.9639452436648751",
    "1.0, 0.26999967167735456",
    "1.36, 0.049485876755377876",
    "2.0, 0.0006709252557796953",
  })
  void limitingSurvivalMatchesScipyKstwobign(double z, double expected) {
    assertThat(KolmogorovDistribution.limitingSurvival(z))
        .isCloseTo(expected, withinPercentage(1e-9));
  }

  @ParameterizedTest(name = "n = {0}, d = {1}")
  @CsvSource({"5000000, 0.001, 9.07393454503348e-05"})
  void pastAMillionTheUpperTailUsesTheLimitWithinItsOrderOfError(
      long n, double d, double expected) {
    // Documented deviation: the limiting series instead of the one-sided sum. Its relative error
    // is of order 2z/(3 sqrt n) = 2 * 2.236 / (3 * 2236) = 0.07%.
    assertThat(KolmogorovDistribution.survival(n, d)).isCloseTo(expected, withinPercentage(0.2));
  }

  @ParameterizedTest(name = "d = {0}")
  @CsvSource({"0", "-0.5", "1", "1.5"})
  void theEndsAreCertain(double d) {
    assertThat(KolmogorovDistribution.survival(10, d)).isEqualTo(d <= 0 ? 1 : 0);
  }

  @ParameterizedTest(name = "n = {0}")
  @CsvSource({"0", "-3"})
  void nonPositiveSizesAreRejected(long n) {
    assertThatThrownBy(() -> KolmogorovDistribution.survival(n, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }
}
