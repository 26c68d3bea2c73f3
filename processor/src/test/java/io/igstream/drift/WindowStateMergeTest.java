package io.igstream.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.junit.jupiter.api.Test;

/** Merging partial windows in any order equals computing the window in one piece. */
class WindowStateMergeTest {

  @Test
  void mergingPartsInAnyOrderEqualsOnePiece() {
    BaselineBuilder builder = new BaselineBuilder();
    SyntheticObservations.generate(2_000, 1, 0, SyntheticObservations.WEIGHTS)
        .forEach(builder::add);
    SummaryLayout layout =
        new Baseline("m", "1", "now", "test", "hash-1", null, builder.build()).layout();
    Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      List<Observation> events =
          SyntheticObservations.generate(
              300 + random.nextInt(3_000), 100 + trial, trial % 3, SyntheticObservations.WEIGHTS);
      WindowState whole = WindowState.empty(layout);
      events.forEach(o -> whole.add(o, layout));

      int parts = 1 + random.nextInt(6);
      List<WindowState> partials = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        partials.add(WindowState.empty(layout));
      }
      for (Observation o : events) {
        partials.get(random.nextInt(parts)).add(o, layout);
      }
      Collections.shuffle(partials, random);
      // Through bytes, as the stream stores and ships them.
      WindowState merged = WindowState.fromBytes(partials.get(0).toBytes());
      for (WindowState p : partials.subList(1, parts)) {
        merged.merge(WindowState.fromBytes(p.toBytes()));
      }

      assertThat(merged.events()).isEqualTo(whole.events());
      assertThat(merged.features().keySet()).isEqualTo(whole.features().keySet());
      for (String name : whole.features().keySet()) {
        for (boolean attribution : new boolean[] {false, true}) {
          FeatureSketch a = pick(whole, name, attribution);
          FeatureSketch b = pick(merged, name, attribution);
          assertThat(b.counts()).as(name).containsExactly(a.counts());
          assertThat(b.count()).isEqualTo(a.count());
          assertThat(b.mean()).isCloseTo(a.mean(), within(1e-9 * (1 + Math.abs(a.mean()))));
          assertThat(b.meanAbs()).isCloseTo(a.meanAbs(), within(1e-9 * (1 + a.meanAbs())));
          assertThat(b.fractionZero()).isEqualTo(a.fractionZero());
          // KLL merges are approximate: quantiles agree within the sketches' rank error.
          double eps = 2 * a.sketch().getNormalizedRankError(false);
          for (double rank : new double[] {0.1, 0.5, 0.9}) {
            double q = b.quantile(rank);
            // For discrete values a quantile covers a range of ranks: the rank must be in it.
            double upTo = a.sketch().getRank(q, QuantileSearchCriteria.INCLUSIVE);
            double below = a.sketch().getRank(q, QuantileSearchCriteria.EXCLUSIVE);
            assertThat(rank).as(name + " q" + rank).isBetween(below - eps, upTo + eps);
          }
        }
      }
      assertThat(merged.prediction().counts()).containsExactly(whole.prediction().counts());
      assertThat(merged.approximationError().counts())
          .containsExactly(whole.approximationError().counts());
      // The distances a summary reports are the same either way.
      FeatureSketch ref = whole.features().get("age").value();
      FeatureSketch mer = merged.features().get("age").value();
      long[][] c1 = WindowSummarizer.commonCounts(ref, ref);
      long[][] c2 = WindowSummarizer.commonCounts(ref, mer);
      assertThat(Distances.jensenShannonBits(c1[0], c2[1])).isEqualTo(0.0);
    }
  }

  @Test
  void partsCountedOnDifferentBaselinesMergeWithoutCounts() {
    BaselineBuilder one = new BaselineBuilder();
    SyntheticObservations.generate(500, 1, 0, SyntheticObservations.WEIGHTS).forEach(one::add);
    SummaryLayout layout =
        new Baseline("m", "1", "now", "test", "hash-1", null, one.build()).layout();
    WindowState counted = WindowState.empty(layout);
    WindowState bare = WindowState.empty(SummaryLayout.NONE);
    List<Observation> events =
        SyntheticObservations.generate(400, 2, 0, SyntheticObservations.WEIGHTS);
    events.subList(0, 200).forEach(o -> counted.add(o, layout));
    events.subList(200, 400).forEach(o -> bare.add(o, SummaryLayout.NONE));
    counted.merge(bare);
    assertThat(counted.layoutId()).isEqualTo(WindowState.MIXED);
    assertThat(counted.events()).isEqualTo(400);
    assertThat(counted.features().get("age").value().counts()).isNull();
    assertThat(counted.features().get("age").value().count()).isEqualTo(400);
  }

  private static FeatureSketch pick(WindowState s, String name, boolean attribution) {
    WindowState.FeatureState f = s.features().get(name);
    return attribution ? f.attribution() : f.value();
  }
}
