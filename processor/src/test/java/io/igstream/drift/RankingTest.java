package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expected values are hand arithmetic (shown), SageMaker's documented example, or were computed
 * once by tools/drift/reference_values.py (scikit-learn 1.9.1 ndcg_score, scipy 1.17.1 spearmanr).
 */
class RankingTest {

  private static final double EXACT = 1e-12;

  @Test
  void ndcgReproducesSageMakersCollegeAdmissionExample() {
    // SageMaker Clarify, "Feature attribution drift for models in production": the ranking
    // reverses and "the NDCG value is 0.69".
    Map<String, Double> training = Map.of("SAT score", 0.70, "GPA", 0.50, "Class rank", 0.05);
    Map<String, Double> live = Map.of("SAT score", 0.10, "GPA", 0.20, "Class rank", 0.70);
    double ndcg = Ranking.ndcg(training, live);
    assertThat(ndcg).isCloseTo(0.69, within(0.005));
    // (0.05 + 0.50 / log2 3 + 0.70 / 2) / (0.70 + 0.50 / log2 3 + 0.05 / 2) = 0.68764;
    // scikit-learn ndcg_score([[.70, .50, .05]], [[.10, .20, .70]]) = 0.687639624122622
    assertThat(ndcg).isCloseTo(0.687639624122622, within(EXACT));
  }

  @Test
  void ndcgMatchesScikitLearnOnEightFeatures() {
    Map<String, Double> baseline = features(0.90, 0.75, 0.60, 0.42, 0.30, 0.21, 0.12, 0.05);
    Map<String, Double> current = features(0.50, 0.80, 0.55, 0.10, 0.35, 0.05, 0.20, 0.01);
    assertThat(Ranking.ndcg(baseline, current)).isCloseTo(0.947089112281997, within(EXACT));
  }

  @Test
  void ndcgRanksAFeatureMissingFromCurrentLastAndIgnoresNewOnes() {
    Map<String, Double> baseline = Map.of("a", 4.0, "b", 2.0, "c", 1.0);
    Map<String, Double> current = Map.of("a", 1.0, "b", 3.0, "d", 9.0);
    // Current order of the baseline's features: b, a, c.
    // (2 + 4 / log2 3 + 1 / 2) / (4 + 2 / log2 3 + 1 / 2) = 5.02372 / 5.76186 = 0.87189;
    // scikit-learn with c scored below the rest: 0.871891966136623
    assertThat(Ranking.ndcg(baseline, current)).isCloseTo(0.871891966136623, within(EXACT));
  }

  @Test
  void ndcgBreaksTiesInTheCurrentOrderByName() {
    Map<String, Double> baseline = Map.of("x", 3.0, "y", 2.0, "z", 1.0);
    Map<String, Double> current = Map.of("y", 0.5, "x", 0.5, "z", 0.9);
    // Order z, x, y: (1 + 3 / log2 3 + 2 / 2) / (3 + 2 / log2 3 + 1 / 2) = 0.8174935137996165;
    // the other tie order (z, y, x) would give (1 + 2 / log2 3 + 3 / 2) / 4.76186 = 0.79000.
    assertThat(Ranking.ndcg(baseline, current)).isCloseTo(0.8174935137996165, within(EXACT));
  }

  @Test
  void ndcgOfTheSameOrderIsOne() {
    Map<String, Double> baseline = Map.of("a", 0.5, "b", 0.3, "c", 0.1);
    Map<String, Double> current = Map.of("a", 50.0, "b", 3.0, "c", 2.0);
    assertThat(Ranking.ndcg(baseline, current)).isCloseTo(1, within(EXACT));
  }

  @Test
  void ndcgWithoutBaselineMassIsNaN() {
    assertThat(Ranking.ndcg(Map.of(), Map.of("a", 1.0))).isNaN();
    assertThat(Ranking.ndcg(Map.of("a", 0.0, "b", 0.0), Map.of("a", 1.0))).isNaN();
  }

  @Test
  void topKOverlapCountsSharedTopFeatures() {
    Map<String, Double> a = features(5, 4, 3, 2, 1);
    Map<String, Double> b = features(1, 5, 4, 3, 2);
    // top3(a) = f0 f1 f2, top3(b) = f1 f2 f3: two shared of three.
    assertThat(Ranking.topKOverlap(a, b, 3)).isCloseTo(2.0 / 3, within(EXACT));
    // k beyond the feature count: every feature is in both tops, 5 / min(10, 5).
    assertThat(Ranking.topKOverlap(a, b, 10)).isEqualTo(1);
    // top1: f0 against f1.
    assertThat(Ranking.topKOverlap(a, b, 1)).isZero();
  }

  @Test
  void topKOverlapBreaksTiesByNameAndNormsByTheSmallerMap() {
    Map<String, Double> tied = Map.of("p", 1.0, "q", 1.0, "r", 1.0);
    // top1 of the tie is p (first name); top1 of the other is r.
    assertThat(Ranking.topKOverlap(tied, Map.of("p", 0.0, "q", 0.0, "r", 1.0), 1)).isZero();
    assertThat(Ranking.topKOverlap(tied, Map.of("p", 1.0, "q", 0.0, "r", 0.0), 1)).isEqualTo(1);
    // top3(a) = f0 f1 f2, top3(b) = f9 f1; the best possible is min(3, 2) = 2; one shared.
    Map<String, Double> a = features(5, 4, 3, 2, 1);
    assertThat(Ranking.topKOverlap(a, Map.of("f1", 1.0, "f9", 2.0), 3))
        .isCloseTo(0.5, within(EXACT));
    assertThat(Ranking.topKOverlap(Map.of(), a, 3)).isNaN();
    assertThatThrownBy(() -> Ranking.topKOverlap(a, a, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be at least 1");
  }

  @Test
  void rankCorrelationMatchesScipySpearmanWithTies() {
    Map<String, Double> a = features(0.3, 0.1, 0.3, 0.7, 0.2, 0.7, 0.7, 0.05);
    Map<String, Double> b = features(0.25, 0.1, 0.4, 0.6, 0.1, 0.9, 0.5, 0.1);
    // scipy.stats.spearmanr(x, y).statistic
    assertThat(Ranking.rankCorrelation(a, b)).isCloseTo(0.9434148851749269, within(EXACT));
  }

  @Test
  void rankCorrelationWithoutTiesIsTheTextbookFormula() {
    Map<String, Double> a = features(0.9, 0.8, 0.5, 0.4, 0.1);
    Map<String, Double> b = features(0.2, 0.7, 0.6, 0.3, 0.9);
    // Ranks (5 4 3 2 1) and (1 4 3 2 5): sum d^2 = 32, 1 - 6 * 32 / (5 * 24) = -0.6 (scipy too).
    assertThat(Ranking.rankCorrelation(a, b)).isCloseTo(-0.6, within(EXACT));
  }

  @Test
  void rankCorrelationUsesOnlyCommonFeatures() {
    Map<String, Double> a = new HashMap<>(features(0.9, 0.8, 0.5, 0.4, 0.1));
    a.put("only in a", 100.0);
    Map<String, Double> b = new HashMap<>(features(0.2, 0.7, 0.6, 0.3, 0.9));
    b.put("only in b", -100.0);
    assertThat(Ranking.rankCorrelation(a, b)).isCloseTo(-0.6, within(EXACT));
  }

  @Test
  void rankCorrelationIsNaNWhenUndefined() {
    assertThat(Ranking.rankCorrelation(Map.of("a", 1.0), Map.of("a", 2.0))).isNaN();
    assertThat(Ranking.rankCorrelation(Map.of("a", 1.0, "b", 1.0), Map.of("a", 2.0, "b", 3.0)))
        .isNaN();
    assertThat(Ranking.rankCorrelation(Map.of("a", 1.0, "b", 2.0), Map.of("c", 2.0, "d", 3.0)))
        .isNaN();
  }

  @Test
  void badAttributionsAreRejected() {
    Map<String, Double> withNaN = Map.of("a", Double.NaN);
    assertThatThrownBy(() -> Ranking.ndcg(withNaN, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseline attribution of a must be finite");
    Map<String, Double> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> Ranking.rankCorrelation(Map.of("a", 1.0), withNull))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ranking.topKOverlap(null, Map.of(), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Features f0, f1, ... with the given attributions, in that order. */
  private static Map<String, Double> features(double... attributions) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < attributions.length; i++) {
      map.put("f" + i, attributions[i]);
    }
    return map;
  }
}
