package io.igstream.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.igstream.drift.Observation;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import io.igstream.ig.QuadratureRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Groups in what drift summaries observe: added next to the features, which stay unchanged. */
class GroupObservationsTest {

  private static final Map<String, Records.InputPresentation> PRESENTATION =
      Map.of(
          "f",
          new Records.InputPresentation(
              "f", new long[] {3}, List.of("city_a", "city_b", "age"), null));

  private static final FeatureGroups GROUPS =
      new FeatureGroups(
          List.of(
              new FeatureGroups.Group(
                  "city",
                  List.of(new FeatureGroups.Member("f", 0), new FeatureGroups.Member("f", 1)),
                  false)));

  @Test
  void groupsAreSummedAndFeaturesKept() {
    Map<String, DenseArray> x = Map.of("f", DenseArray.vector(1, 0, 37));
    Attribution a =
        new Attribution(
            0,
            2.0,
            0.5,
            Map.of("f", DenseArray.vector(0.75, -0.25, 1.0)),
            1.5,
            0.0,
            0.0,
            QuadratureRule.GAUSS_LEGENDRE,
            50,
            null,
            QuadratureRule.GAUSS_LEGENDRE.externalName(),
            null);
    Observation plain = Observations.of(x, a, PRESENTATION, "h");
    Observation grouped = Observations.of(x, a, PRESENTATION, "h", GROUPS);
    assertThat(grouped.values()).containsAllEntriesOf(plain.values());
    assertThat(grouped.attributions()).containsAllEntriesOf(plain.attributions());
    assertThat(grouped.values()).containsEntry("city", 0.0 + 1 + 0);
    assertThat(grouped.attributions()).containsEntry("city", 0.0 + 0.75 + -0.25);
    assertThat(grouped.values()).hasSize(plain.values().size() + 1);
  }
}
