package io.igstream.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The engine against closed-form IG on models whose gradients are derived by hand. */
class IntegratedGradientsTest {

  private static final AnalyticModel LINEAR =
      AnalyticModel.scalar(2, x -> 2 * x[0] + x[1], x -> new double[] {2, 1});

  private static final AnalyticModel SQUARE =
      AnalyticModel.scalar(
          2,
          x -> Math.pow(2 * x[0] + x[1], 2),
          x -> new double[] {4 * (2 * x[0] + x[1]), 2 * (2 * x[0] + x[1])});

  private static final AnalyticModel RELU_PAPER =
      AnalyticModel.scalar(
          2,
          x -> relu(relu(x[0]) - 1 - relu(x[1])),
          x -> {
            boolean active = relu(x[0]) - 1 - relu(x[1]) > 0;
            return new double[] {active && x[0] > 0 ? 1 : 0, active && x[1] > 0 ? -1 : 0};
          });

  private static double relu(double v) {
    return Math.max(0, v);
  }

  private static List<Attribution> explainOne(
      AnalyticModel model,
      OutputKind kind,
      IgOptions options,
      Map<String, DenseArray> x,
      TargetSpec target,
      List<Map<String, DenseArray>> baselines) {
    return new IntegratedGradients(model, kind, options)
        .explain(List.of(new ExplainRequest("e1", x, target, baselines)))
        .get(0);
  }

  @ParameterizedTest
  @EnumSource(QuadratureRule.class)
  void linearModelIsExactWithEveryCorrectRule(QuadratureRule rule) {
    Attribution a =
        explainOne(
                LINEAR,
                OutputKind.SCALAR,
                IgOptions.defaults().withRule(rule, 7),
                AnalyticModel.x(10, 5),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(-1, -3)))
            .get(0);
    // (x - b) * w = (11 * 2, 8 * 1): catches the alibi/captum trapezoid weights (sum 6/7 here).
    assertThat(a.attributions().get("x").values())
        .containsExactly(new double[] {22, 8}, within(1e-5));
    assertThat(a.delta()).isCloseTo(0, within(1e-5));
    assertThat(a.outputAtInput()).isEqualTo(25);
    assertThat(a.outputAtBaseline()).isEqualTo(-5);
  }

  @Test
  void squareIsExactWithGaussLegendreFromTwoPoints() {
    for (int steps : new int[] {2, 3, 50}) {
      Attribution a =
          explainOne(
                  SQUARE,
                  OutputKind.SCALAR,
                  IgOptions.defaults().withRule(QuadratureRule.GAUSS_LEGENDRE, steps),
                  AnalyticModel.x(3, 3),
                  TargetSpec.PREDICTED,
                  List.of(AnalyticModel.x(0, 0)))
              .get(0);
      assertThat(a.attributions().get("x").values())
          .containsExactly(new double[] {54, 27}, within(1e-4));
    }
  }

  @Test
  void reluExampleOfTheIgPaperConverges() {
    Attribution a =
        explainOne(
                RELU_PAPER,
                OutputKind.SCALAR,
                IgOptions.defaults().withRule(QuadratureRule.RIEMANN_MIDDLE, 1000),
                AnalyticModel.x(3, 1),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    assertThat(a.attributions().get("x").values())
        .containsExactly(new double[] {1.5, -0.5}, within(1e-3));
    assertThat(a.outputAtInput() - a.outputAtBaseline()).isEqualTo(1.0);
  }

  @Test
  void aFeatureEqualToItsBaselineGetsExactlyZero() {
    Attribution a =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                IgOptions.defaults(),
                AnalyticModel.x(3, 0.25),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0.25)))
            .get(0);
    assertThat(a.attributions().get("x").values()[1]).isEqualTo(0.0);
  }

  @Test
  void sigmoidBinaryExplainsTheProbabilityOfTheTargetClass() {
    double[] w = {1.5, -2.0, 0.5};
    double c = 0.3;
    AnalyticModel sigmoid =
        AnalyticModel.scalar(
            3,
            x -> sigma(dot(w, x) + c),
            x -> {
              double s = sigma(dot(w, x) + c);
              return new double[] {s * (1 - s) * w[0], s * (1 - s) * w[1], s * (1 - s) * w[2]};
            });
    double[] x = {1.0, -0.5, 2.0};
    double[] b = {0, 0, 0};
    double zx = dot(w, x) + c;
    double zb = dot(w, b) + c;
    for (int cls : new int[] {0, 1}) {
      Attribution a =
          explainOne(
                  sigmoid,
                  OutputKind.SIGMOID,
                  IgOptions.defaults().withRule(QuadratureRule.GAUSS_LEGENDRE, 64),
                  AnalyticModel.x(x),
                  new TargetSpec.Index(cls),
                  List.of(AnalyticModel.x(b)))
              .get(0);
      // IG_i = (x_i - b_i) w_i (s(zx) - s(zb)) / (zx - zb), negated for class 0.
      double sign = cls == 1 ? 1 : -1;
      double[] expected = new double[3];
      for (int i = 0; i < 3; i++) {
        expected[i] = sign * (x[i] - b[i]) * w[i] * (sigma(zx) - sigma(zb)) / (zx - zb);
      }
      assertThat(a.target()).isEqualTo(cls);
      assertThat(a.attributions().get("x").values()).containsExactly(expected, within(1e-5));
      double px = cls == 1 ? sigma(zx) : 1 - sigma(zx);
      assertThat(a.outputAtInput()).isCloseTo(px, within(1e-12));
    }
  }

  @Test
  void predictedAndTopKTargetsFollowTheScores() {
    AnalyticModel twoOutputs =
        new AnalyticModel(
            2,
            3,
            x -> new double[] {x[0], x[1], x[0] + x[1]},
            x -> new double[][] {{1, 0}, {0, 1}, {1, 1}});
    List<Attribution> top2 =
        explainOne(
            twoOutputs,
            OutputKind.VECTOR,
            IgOptions.defaults(),
            AnalyticModel.x(2, -1),
            new TargetSpec.TopK(2),
            List.of(AnalyticModel.x(0, 0)));
    assertThat(top2).extracting(Attribution::target).containsExactly(0, 2);
    assertThat(top2.get(1).attributions().get("x").values())
        .containsExactly(new double[] {2, -1}, within(1e-9));
  }

  @Test
  void severalBaselinesAreAveraged() {
    Attribution a =
        explainOne(
                LINEAR,
                OutputKind.SCALAR,
                IgOptions.defaults(),
                AnalyticModel.x(10, 5),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0), AnalyticModel.x(2, 1)))
            .get(0);
    // mean of (20, 5) and (16, 4)
    assertThat(a.attributions().get("x").values())
        .containsExactly(new double[] {18, 4.5}, within(1e-5));
    assertThat(a.outputAtBaseline()).isCloseTo(2.5, within(1e-12));
    assertThat(a.delta()).isCloseTo(0, within(1e-5));
  }

  @Test
  void resultsDoNotDependOnBatchCompanionsOrChunking() {
    List<ExplainRequest> requests = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      requests.add(
          new ExplainRequest(
              "e" + i,
              AnalyticModel.x(1 + i, 2 - i),
              TargetSpec.PREDICTED,
              List.of(AnalyticModel.x(0, 0))));
    }
    List<List<Attribution>> together =
        new IntegratedGradients(
                SQUARE, OutputKind.SCALAR, IgOptions.defaults().withMaxRowsPerRun(37))
            .explain(requests);
    for (int rows : new int[] {1, 13, 1000}) {
      IntegratedGradients engine =
          new IntegratedGradients(
              SQUARE, OutputKind.SCALAR, IgOptions.defaults().withMaxRowsPerRun(rows));
      for (int i = 0; i < requests.size(); i++) {
        Attribution alone = engine.explain(List.of(requests.get(i))).get(0).get(0);
        assertThat(alone.attributions().get("x").values())
            .containsExactly(together.get(i).get(0).attributions().get("x").values());
      }
    }
  }

  @Test
  void runsNeverCarryMoreRowsThanAllowed() {
    AnalyticModel model = AnalyticModel.scalar(2, x -> x[0] * x[1], x -> new double[] {x[1], x[0]});
    List<ExplainRequest> requests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      requests.add(
          new ExplainRequest(
              "e" + i,
              AnalyticModel.x(i, 1),
              TargetSpec.PREDICTED,
              List.of(AnalyticModel.x(0, 0))));
    }
    new IntegratedGradients(model, OutputKind.SCALAR, IgOptions.defaults().withMaxRowsPerRun(64))
        .explain(requests);
    assertThat(model.rowsPerRun).allSatisfy(rows -> assertThat(rows).isLessThanOrEqualTo(64));
    assertThat(model.rowsPerRun.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5 * 50);
  }

  @Test
  void errorTargetRaisesStepsUntilMetAndSaysWhenItIsNot() {
    IgOptions coarse =
        IgOptions.defaults().withRule(QuadratureRule.RIEMANN_LEFT, 4).withErrorTarget(0.01, 256);
    Attribution met =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                coarse,
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    assertThat(met.errorTargetMet()).isTrue();
    assertThat(met.steps()).isGreaterThan(4);
    assertThat(met.approximationError()).isLessThanOrEqualTo(0.01);

    IgOptions capped = coarse.withErrorTarget(1e-9, 16);
    Attribution missed =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                capped,
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    assertThat(missed.errorTargetMet()).isFalse();
    assertThat(missed.steps()).isEqualTo(16);
  }

  @Test
  void pathAveragedGradientWhenNotMultipliedByInputs() {
    Attribution a =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                IgOptions.defaults().withMultiplyByInputs(false),
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    // Mean gradient along the path: (4 * 9 / 2, 2 * 9 / 2).
    assertThat(a.attributions().get("x").values())
        .containsExactly(new double[] {18, 9}, within(1e-4));
    assertThat(a.delta()).isNull();
  }

  @Test
  void smoothGradIsSeededByEventAndZeroNoiseGivesPlainIg() {
    IgOptions noiseless =
        IgOptions.defaults().withSmoothing(new Smoothing(Smoothing.Variant.SMOOTHGRAD, 0, 4, 1));
    Attribution plain =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                noiseless,
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    assertThat(plain.attributions().get("x").values())
        .containsExactly(new double[] {54, 27}, within(1e-4));

    IgOptions noisy =
        IgOptions.defaults().withSmoothing(new Smoothing(Smoothing.Variant.VARGRAD, 0.5, 8, 1));
    Attribution first =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                noisy,
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    Attribution second =
        explainOne(
                SQUARE,
                OutputKind.SCALAR,
                noisy,
                AnalyticModel.x(3, 3),
                TargetSpec.PREDICTED,
                List.of(AnalyticModel.x(0, 0)))
            .get(0);
    assertThat(first.attributions().get("x").values())
        .containsExactly(second.attributions().get("x").values());
    assertThat(first.attributions().get("x").values()[0]).isGreaterThan(0);
  }

  private static double sigma(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
