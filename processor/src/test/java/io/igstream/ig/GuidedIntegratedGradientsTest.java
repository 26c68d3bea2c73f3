package io.igstream.ig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GuidedIntegratedGradientsTest {

  private static final double[] W = {0.5, -2.0, 3.0, 1.25, -0.75, 4.0};
  // A separable quadratic: F = sum c_i x_i^2 + w . x, so one step's error is exactly sum c_i
  // dx_i^2.
  private static final double[] C = {1.0, -0.5, 2.0, 0.25, -1.5, 0.75};

  private static AnalyticModel linear() {
    return AnalyticModel.scalar(
        W.length,
        x -> {
          double y = 0;
          for (int i = 0; i < x.length; i++) {
            y += W[i] * x[i];
          }
          return y;
        },
        x -> W.clone());
  }

  private static AnalyticModel quadratic() {
    return AnalyticModel.scalar(
        C.length,
        x -> {
          double y = 0;
          for (int i = 0; i < x.length; i++) {
            y += C[i] * x[i] * x[i] + W[i] * x[i];
          }
          return y;
        },
        x -> {
          double[] g = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            g[i] = 2 * C[i] * x[i] + W[i];
          }
          return g;
        });
  }

  private static double[] randomVector(Random random) {
    double[] v = new double[W.length];
    for (int i = 0; i < v.length; i++) {
      // Quarter steps are exact in float, so the model sees exactly these points at the ends.
      v[i] = Math.round(random.nextGaussian() * 8) / 4.0;
    }
    return v;
  }

  private static ExplainRequest request(String id, double[] x, double[] b) {
    return new ExplainRequest(
        id, AnalyticModel.x(x), TargetSpec.PREDICTED, List.of(AnalyticModel.x(b)));
  }

  private static double[] attributionsOf(List<Attribution> result) {
    return result.get(0).attributions().get("x").values();
  }

  @Test
  void linearModelGetsWeightTimesDifferenceOnAnyGuidedPath() {
    Random random = new Random(7);
    for (GuidedOptions options :
        List.of(
            GuidedOptions.defaults(20),
            new GuidedOptions(7, 0.5, 3, 1.0, 200),
            new GuidedOptions(10, 0.1, 0, 0.1, 200))) {
      double[] x = randomVector(random);
      double[] b = randomVector(random);
      List<Attribution> result =
          new GuidedIntegratedGradients(linear(), OutputKind.SCALAR, options)
              .explain(List.of(request("e", x, b)))
              .get(0);
      double[] got = attributionsOf(result);
      for (int i = 0; i < W.length; i++) {
        assertEquals(W[i] * (x[i] - b[i]), got[i], 1e-9, "feature " + i + " with " + options);
      }
      assertEquals("guided_ig", result.get(0).method());
      assertNull(result.get(0).rule());
      assertEquals(0, result.get(0).delta(), 1e-6);
    }
  }

  /**
   * For F = sum c_i x_i^2 + w.x a step with fixed gradient g = grad F(p) that moves p by d errs by
   * exactly sum c_i d_i^2. With max_dist m each feature's progress stays within [alpha - m, alpha +
   * m] of its segment, so one step moves feature i by at most (1/steps + 2m) of the segment's |x_i
   * - b_i|, and the steps of a feature add up to its |x_i - b_i|: |delta| <= (1/steps + 2m) sum
   * |c_i| (x_i - b_i)^2 / segments. That is the bound asserted (plus float rounding).
   */
  @Test
  void completenessErrorStaysWithinTheStepBound() {
    Random random = new Random(11);
    for (GuidedOptions options :
        List.of(
            new GuidedOptions(50, 0.25, 0, 0.02, 200),
            new GuidedOptions(20, 0.25, 2, 0.05, 200),
            new GuidedOptions(40, 0.25, 0, 1.0, 200))) {
      for (int e = 0; e < 5; e++) {
        double[] x = randomVector(random);
        double[] b = randomVector(random);
        Attribution a =
            new GuidedIntegratedGradients(quadratic(), OutputKind.SCALAR, options)
                .explain(List.of(request("e" + e, x, b)))
                .get(0)
                .get(0);
        double curvature = 0;
        for (int i = 0; i < C.length; i++) {
          curvature += Math.abs(C[i]) * (x[i] - b[i]) * (x[i] - b[i]);
        }
        double bound =
            Math.min(1.0, 1.0 / options.steps() + 2 * options.maxDist())
                    * curvature
                    / options.segments()
                + 1e-4;
        assertTrue(
            Math.abs(a.delta()) <= bound,
            "delta " + a.delta() + " exceeds " + bound + " with " + options);
        assertEquals(a.attributionSum() - (a.outputAtInput() - a.outputAtBaseline()), a.delta());
      }
    }
  }

  @Test
  void pathReachesEachStepsDistanceAndKeepsWithinTheBounds() {
    Random random = new Random(3);
    int n = 40;
    double[] b = new double[n];
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = random.nextGaussian();
      x[i] = i % 7 == 0 ? b[i] : random.nextGaussian();
    }
    for (GuidedOptions options :
        List.of(new GuidedOptions(10, 0.25, 0, 0.1, 1), new GuidedOptions(8, 0.3, 1, 1.0, 1))) {
      GuidedPath path = new GuidedPath(b, x, options);
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += Math.abs(x[i] - b[i]);
      }
      double segmentTotal = total / options.segments();
      for (int step = 1; step <= options.totalSteps(); step++) {
        double[] gradient = new double[n];
        for (int i = 0; i < n; i++) {
          gradient[i] = random.nextGaussian();
        }
        path.advance(gradient);
        int segment = (step - 1) / options.steps();
        int k = (step - 1) % options.steps() + 1;
        double alpha = (double) k / options.steps();
        double left = 0;
        for (int i = 0; i < n; i++) {
          double end = b[i] + (segment + 1.0) / options.segments() * (x[i] - b[i]);
          left += Math.abs(path.point()[i] - end);
          if (x[i] != b[i]) {
            double start = b[i] + (double) segment / options.segments() * (x[i] - b[i]);
            double progress = (path.point()[i] - start) / (end - start);
            assertTrue(progress >= -1e-12 && progress <= 1 + 1e-12, "feature " + i + " overshot");
            assertTrue(
                Math.abs(progress - alpha) <= options.maxDist() + 1e-12,
                "feature " + i + " strays " + (progress - alpha) + " at step " + step);
          } else {
            assertEquals(b[i], path.point()[i], "a feature equal at both ends never moves");
          }
        }
        assertEquals(segmentTotal * (1 - alpha), left, 1e-9, "L1 left after step " + step);
      }
      assertTrue(path.isDone());
      assertArrayEquals(x, path.point(), 1e-12);
    }
  }

  @Test
  void aBatchGivesTheSameAttributionsAsOneEventAtATime() {
    Random random = new Random(5);
    List<ExplainRequest> requests = new ArrayList<>();
    for (int e = 0; e < 7; e++) {
      requests.add(request("e" + e, randomVector(random), randomVector(random)));
    }
    GuidedOptions options = new GuidedOptions(15, 0.25, 1, 0.5, 200);
    List<List<Attribution>> together =
        new GuidedIntegratedGradients(quadratic(), OutputKind.SCALAR, options).explain(requests);
    // Chunked into runs of 3 rows, so that events also share runs with different neighbours.
    List<List<Attribution>> chunked =
        new GuidedIntegratedGradients(quadratic(), OutputKind.SCALAR, options.withMaxRowsPerRun(3))
            .explain(requests);
    for (int e = 0; e < requests.size(); e++) {
      List<Attribution> alone =
          new GuidedIntegratedGradients(quadratic(), OutputKind.SCALAR, options)
              .explain(List.of(requests.get(e)))
              .get(0);
      assertArrayEquals(attributionsOf(alone), attributionsOf(together.get(e)), "event " + e);
      assertArrayEquals(attributionsOf(alone), attributionsOf(chunked.get(e)), "event " + e);
    }
  }

  @Test
  void oneGradientRunPerStepWhateverTheBatchSize() {
    Random random = new Random(9);
    for (int events : new int[] {1, 4, 25}) {
      for (GuidedOptions options :
          List.of(GuidedOptions.defaults(12), new GuidedOptions(6, 0.25, 2, 1.0, 200))) {
        AnalyticModel model = quadratic();
        List<ExplainRequest> requests = new ArrayList<>();
        for (int e = 0; e < events; e++) {
          requests.add(request("e" + e, randomVector(random), randomVector(random)));
        }
        new GuidedIntegratedGradients(model, OutputKind.SCALAR, options).explain(requests);
        assertEquals(
            options.steps() * (options.anchors() + 1),
            model.gradientRuns.get(),
            events + " events with " + options);
        assertTrue(model.rowsPerRun.stream().allMatch(rows -> rows == events));
      }
    }
  }

  @Test
  void runsAreSplitWhenABatchExceedsMaxRowsPerRun() {
    AnalyticModel model = quadratic();
    Random random = new Random(1);
    List<ExplainRequest> requests = new ArrayList<>();
    for (int e = 0; e < 5; e++) {
      requests.add(request("e" + e, randomVector(random), randomVector(random)));
    }
    new GuidedIntegratedGradients(model, OutputKind.SCALAR, new GuidedOptions(4, 0.25, 0, 1, 2))
        .explain(requests);
    assertEquals(4 * 3, model.gradientRuns.get());
    assertTrue(model.rowsPerRun.stream().allMatch(rows -> rows <= 2));
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    Map<String, Runnable> cases =
        Map.of(
            "guided.fraction", () -> new GuidedOptions(10, 0, 0, 1, 10),
            "guided.anchors", () -> new GuidedOptions(10, 0.25, -1, 1, 10),
            "guided.max_dist", () -> new GuidedOptions(10, 0.25, 0, 1.5, 10),
            "steps", () -> new GuidedOptions(0, 0.25, 0, 1, 10));
    cases.forEach(
        (key, bad) -> {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
          assertTrue(e.getMessage().contains(key), e.getMessage());
        });
  }
}
