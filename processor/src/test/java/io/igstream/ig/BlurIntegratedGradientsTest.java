package io.igstream.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Blur IG's arithmetic on a hand-differentiated image model (F = sum c x^2 + w . x): expectations
 * come from the closed forms of that model, not from the engine.
 */
class BlurIntegratedGradientsTest {

  private static final long[] SHAPE = {5, 6, 2};
  private static final int SIZE = 5 * 6 * 2;

  private static double[] quarters(Random random, double scale) {
    double[] v = new double[SIZE];
    for (int i = 0; i < SIZE; i++) {
      // Quarter steps are exact in float, so the model sees exactly these values.
      v[i] = Math.round(random.nextGaussian() * scale * 4) / 4.0;
    }
    return v;
  }

  private static ExplainRequest request(String id, double[] image) {
    Map<String, DenseArray> inputs = Map.of("image", new DenseArray(SHAPE.clone(), image));
    // Blur IG ignores baselines (its baseline is the blurred image); the request needs one anyway.
    return new ExplainRequest(id, inputs, TargetSpec.PREDICTED, List.of(inputs));
  }

  private static double[] attributions(List<Attribution> result) {
    return result.get(0).attributions().get("image").values();
  }

  /**
   * For a linear F the gradient is w everywhere; with grad_step equal to the sigma step the finite
   * differences telescope, so Blur IG is exactly w * (x - x(max_sigma)) per pixel and complete.
   */
  @Test
  void linearModelGetsWeightTimesChangeFromTheBlurredImage() {
    Random random = new Random(3);
    double[] w = quarters(random, 2);
    ImageQuadraticModel model = new ImageQuadraticModel(SHAPE, new double[SIZE], w);
    double[] x = quarters(random, 1);
    BlurOptions options = new BlurOptions(10, 3.0, 0.3, BlurOptions.Schedule.LINEAR, 200);
    Attribution result =
        new BlurIntegratedGradients(model, OutputKind.SCALAR, options)
            .explain(List.of(request("e", x)))
            .get(0)
            .get(0);
    double[] blurred = GaussianBlur.blur(x, new ImageShape(5, 6, 2), 3.0);
    double[] got = result.attributions().get("image").values();
    for (int i = 0; i < SIZE; i++) {
      assertThat(got[i]).as("pixel %d", i).isCloseTo(w[i] * (x[i] - blurred[i]), within(1e-9));
    }
    assertThat(result.outputAtBaseline()).isCloseTo(model.value(blurred), within(1e-9));
    assertThat(result.delta()).isCloseTo(0, within(1e-9));
    assertThat(result.method()).isEqualTo("blur_ig");
    assertThat(result.rule()).isNull();
  }

  /** A function target's description reaches the result, as with the other methods. */
  @Test
  void aThresholdTargetIsDescribedAndExplainedAsTheShiftedOutput() {
    Random random = new Random(5);
    ImageQuadraticModel model =
        new ImageQuadraticModel(SHAPE, new double[SIZE], quarters(random, 2));
    double[] x = quarters(random, 1);
    Map<String, DenseArray> inputs = Map.of("image", new DenseArray(SHAPE.clone(), x));
    Attribution result =
        new BlurIntegratedGradients(model, OutputKind.SCALAR, BlurOptions.defaults(10))
            .explain(
                List.of(
                    new ExplainRequest(
                        "t", inputs, new TargetSpec.Shifted(0, 0.5), List.of(inputs))))
            .get(0)
            .get(0);
    assertThat(result.targetDescription()).isNotNull();
    assertThat(result.targetDescription().kind()).isNotBlank();
    assertThat(result.outputAtInput()).isCloseTo(model.value(x) - 0.5, within(1e-9));
  }

  /**
   * Completeness within Blur IG's own error: with grad_step equal to the sigma step, each step is a
   * left Riemann step from x(sigma_i) to x(sigma_{i+1}), and for this quadratic its error is
   * exactly sum c (x(sigma_i) - x(sigma_{i+1}))^2. So delta = sum over steps of that, which is at
   * most max|c| times the sum of squared step lengths: the bound shrinks like 1/steps as the path's
   * steps shorten.
   */
  @Test
  void completenessErrorIsExactlyTheRiemannErrorOfTheBlurPath() {
    Random random = new Random(11);
    double[] c = quarters(random, 1);
    double[] w = quarters(random, 2);
    ImageQuadraticModel model = new ImageQuadraticModel(SHAPE, c, w);
    double[] x = quarters(random, 1);
    ImageShape shape = new ImageShape(5, 6, 2);
    for (int steps : new int[] {8, 32}) {
      double max = 4.0;
      BlurOptions options =
          new BlurOptions(steps, max, max / steps, BlurOptions.Schedule.LINEAR, 200);
      Attribution result =
          new BlurIntegratedGradients(model, OutputKind.SCALAR, options)
              .explain(List.of(request("e", x)))
              .get(0)
              .get(0);
      double expected = 0;
      for (int i = 0; i < steps; i++) {
        double[] from = GaussianBlur.blur(x, shape, i * max / steps);
        double[] to = GaussianBlur.blur(x, shape, (i + 1) * max / steps);
        for (int k = 0; k < SIZE; k++) {
          expected += c[k] * (from[k] - to[k]) * (from[k] - to[k]);
        }
      }
      // Float gradients: 1e-6 of the change covers their rounding.
      double change = result.outputAtInput() - result.outputAtBaseline();
      assertThat(result.delta())
          .as("steps %d", steps)
          .isCloseTo(expected, within(1e-6 * Math.abs(change)));
      assertThat(Math.abs(expected)).isGreaterThan(0);
    }
  }

  @Test
  void resultsDoNotDependOnTheBatchAndABatchCostsStepsRuns() {
    Random random = new Random(5);
    ImageQuadraticModel model =
        new ImageQuadraticModel(SHAPE, quarters(random, 1), quarters(random, 2));
    BlurOptions options = new BlurOptions(12, 5.0, 0.01, BlurOptions.Schedule.SQRT, 200);
    BlurIntegratedGradients engine = new BlurIntegratedGradients(model, OutputKind.SCALAR, options);
    List<ExplainRequest> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(request("e" + i, quarters(random, 1)));
    }
    List<double[]> alone = new ArrayList<>();
    for (ExplainRequest r : batch) {
      alone.add(attributions(engine.explain(List.of(r)).get(0)));
    }
    assertThat(model.rowsPerRun).hasSize(5 * 12).allMatch(rows -> rows == 1);
    model.rowsPerRun.clear();
    List<List<Attribution>> together = engine.explain(batch);
    assertThat(model.rowsPerRun).hasSize(12).allMatch(rows -> rows == 5);
    for (int i = 0; i < batch.size(); i++) {
      assertThat(attributions(together.get(i))).containsExactly(alone.get(i));
    }
    // Runs of at most 2 rows: 3 runs per step, still one step's points at a time.
    model.rowsPerRun.clear();
    new BlurIntegratedGradients(model, OutputKind.SCALAR, options.withMaxRowsPerRun(2))
        .explain(batch);
    assertThat(model.rowsPerRun).hasSize(12 * 3);
  }

  @Test
  void aNonImageInputIsRefusedByName() {
    AnalyticModel vector = AnalyticModel.scalar(3, v -> v[0], v -> new double[] {1, 0, 0});
    assertThatThrownBy(
            () -> new BlurIntegratedGradients(vector, OutputKind.SCALAR, BlurOptions.defaults(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x'")
        .hasMessageContaining("blur_ig");
  }

  @Test
  void optionsRefuseBadValuesNamingTheKey() {
    assertThatThrownBy(() -> new BlurOptions(10, 0, 0.01, BlurOptions.Schedule.LINEAR, 1))
        .hasMessageContaining("blur.max_sigma");
    assertThatThrownBy(() -> new BlurOptions(10, 50, -1, BlurOptions.Schedule.LINEAR, 1))
        .hasMessageContaining("blur.grad_step");
    assertThatThrownBy(() -> BlurOptions.Schedule.fromExternalName("log"))
        .hasMessageContaining("blur.schedule");
    assertThatThrownBy(() -> new BlurOptions(0, 50, 0.01, BlurOptions.Schedule.LINEAR, 1))
        .hasMessageContaining("steps");
  }
}
