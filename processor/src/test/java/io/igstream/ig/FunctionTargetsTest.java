package io.igstream.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contrast, sum, threshold and softmax targets on a three-output model with a hand-derived
 * Jacobian; every expectation is computed here from the model's formulas, not by the engine.
 */
class FunctionTargetsTest {

  private static double[] forward(double[] x) {
    return new double[] {
      x[0] * x[0] + x[1], Math.sin(x[0]) * x[2], x[1] * x[2] - x[0],
    };
  }

  private static final AnalyticModel MODEL =
      new AnalyticModel(
          3,
          3,
          FunctionTargetsTest::forward,
          x ->
              new double[][] {
                {2 * x[0], 1, 0},
                {Math.cos(x[0]) * x[2], 0, Math.sin(x[0])},
                {-1, x[2], x[1]},
              });

  private static final Map<String, DenseArray> INPUT = AnalyticModel.x(1.2, 0.7, 1.5);
  private static final Map<String, DenseArray> BASELINE = AnalyticModel.x(0.1, -0.2, 0.3);

  private static Attribution explain(TargetSpec target, IgOptions options) {
    return new IntegratedGradients(MODEL, OutputKind.VECTOR, options)
        .explain(List.of(new ExplainRequest("e1", INPUT, target, List.of(BASELINE))))
        .get(0)
        .get(0);
  }

  private static Attribution explain(TargetSpec target) {
    return explain(target, IgOptions.defaults());
  }

  private static double sum(Attribution a) {
    double total = 0;
    for (double v : a.attributions().get("x").values()) {
      total += v;
    }
    return total;
  }

  private static double[] in(Map<String, DenseArray> instance) {
    return instance.get("x").values();
  }

  @Test
  void contrastIsCompleteAgainstTheDifferenceOfItsTwoOutputs() {
    Attribution a = explain(new TargetSpec.Contrast(0, 2));
    double[] yx = forward(in(INPUT));
    double[] yb = forward(in(BASELINE));
    double expected = (yx[0] - yx[2]) - (yb[0] - yb[2]);
    assertThat(sum(a)).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
    assertThat(a.targetDescription().kind()).isEqualTo("contrast");
    assertThat(a.targetDescription().parameters()).containsEntry("classes", List.of(0, 2));
  }

  @Test
  void runnerUpIsTheSecondHighestOutputAtTheInput() {
    double[] yx = forward(in(INPUT));
    // Ranked here by hand: the highest output and the best of the rest.
    int best = 0;
    for (int i = 1; i < 3; i++) {
      if (yx[i] > yx[best]) {
        best = i;
      }
    }
    int second = best == 0 ? 1 : 0;
    for (int i = 0; i < 3; i++) {
      if (i != best && yx[i] > yx[second]) {
        second = i;
      }
    }
    Attribution a = explain(new TargetSpec.Contrast(best, null));
    assertThat(a.targetDescription().parameters()).containsEntry("classes", List.of(best, second));
    double[] yb = forward(in(BASELINE));
    double expected = (yx[best] - yx[second]) - (yb[best] - yb[second]);
    assertThat(sum(a)).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
  }

  @Test
  void sumOfOutputsIsTheSumOfTheSingleTargetAttributions() {
    double[] together = explain(new TargetSpec.Sum(List.of(0, 2))).attributions().get("x").values();
    double[] first = explain(new TargetSpec.Index(0)).attributions().get("x").values();
    double[] third = explain(new TargetSpec.Index(2)).attributions().get("x").values();
    for (int i = 0; i < 3; i++) {
      assertThat(together[i]).isCloseTo(first[i] + third[i], within(1e-5));
    }
  }

  @Test
  void thresholdTargetHasExactlyThePlainIndexAttributions() {
    Attribution shifted = explain(new TargetSpec.Shifted(1, 150.0));
    Attribution plain = explain(new TargetSpec.Index(1));
    assertThat(shifted.attributions().get("x").values())
        .containsExactly(plain.attributions().get("x").values());
    assertThat(shifted.outputAtInput()).isEqualTo(forward(in(INPUT))[1] - 150.0);
    assertThat(shifted.outputAtBaseline()).isEqualTo(forward(in(BASELINE))[1] - 150.0);
  }

  /** softmax(y / T)[a], written independently of the engine's numerically shifted form. */
  private static double probability(double[] y, int a, double temperature) {
    double total = 0;
    for (double v : y) {
      total += Math.exp(v / temperature);
    }
    return Math.exp(y[a] / temperature) / total;
  }

  @Test
  void softmaxUpstreamMatchesFiniteDifferences() {
    double[] y = {1.5, -0.3, 0.8, 2.1};
    double temperature = 2.0;
    ResolvedTarget target =
        Targets.resolve(OutputKind.VECTOR, y, new TargetSpec.Softmax(2, temperature)).get(0);
    double[] analytic = target.upstreamAt(y);
    double h = 1e-6;
    for (int i = 0; i < y.length; i++) {
      double[] up = y.clone();
      double[] down = y.clone();
      up[i] += h;
      down[i] -= h;
      double numeric =
          (probability(up, 2, temperature) - probability(down, 2, temperature)) / (2 * h);
      assertThat(analytic[i]).isCloseTo(numeric, within(1e-8));
    }
  }

  @Test
  void softmaxTargetIsCompleteAgainstTheProbabilityChangeInSmallRuns() {
    // Seven rows per run leaves a partial last run, where stale upstream would show.
    Attribution a =
        explain(new TargetSpec.Softmax(1, 2.0), IgOptions.defaults().withMaxRowsPerRun(7));
    double expected =
        probability(forward(in(INPUT)), 1, 2.0) - probability(forward(in(BASELINE)), 1, 2.0);
    assertThat(sum(a)).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
    assertThat(a.outputAtInput()).isCloseTo(probability(forward(in(INPUT)), 1, 2.0), within(1e-12));
  }

  @Test
  void functionTargetsRefuseIndicesOutsideTheOutput() {
    assertThatThrownBy(() -> Targets.validate(OutputKind.VECTOR, 3, new TargetSpec.Contrast(0, 3)))
        .hasMessageContaining("contrast index 3");
    assertThatThrownBy(
            () -> Targets.validate(OutputKind.SIGMOID, 1, new TargetSpec.Sum(List.of(0))))
        .hasMessageContaining("needs a vector output");
  }
}
