package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.igstream.ig.Attribution;
import io.igstream.ig.ExplainMethod;
import io.igstream.ig.ExplainRequest;
import java.util.List;

/**
 * Timing and comparing the results of explain methods on real models, for the path-method tests.
 */
final class MethodRuns {

  private MethodRuns() {}

  /** The best of three timed runs (after a warm-up) and the results of the last. */
  record Timed(double millis, List<List<Attribution>> results) {}

  static Timed time(ExplainMethod method, List<ExplainRequest> batch) {
    List<List<Attribution>> results = method.explain(batch); // warm-up: TF builds its kernels
    double best = Double.MAX_VALUE;
    for (int repeat = 0; repeat < 3; repeat++) {
      long start = System.nanoTime();
      results = method.explain(batch);
      best = Math.min(best, (System.nanoTime() - start) / 1e6);
    }
    return new Timed(best, results);
  }

  /** The attributions of a request's single target and single attributed tensor. */
  static double[] only(List<Attribution> perRequest) {
    assertThat(perRequest).hasSize(1);
    return perRequest.get(0).attributions().values().iterator().next().values();
  }

  /** Equal within 1e-6 of the largest absolute value of {@code expected}, element by element. */
  static void assertCloseToScale(double[] actual, double[] expected) {
    double scale = 0;
    for (double v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertThat(actual).hasSameSizeAs(expected);
    for (int k = 0; k < expected.length; k++) {
      assertThat(actual[k]).as("element %d", k).isCloseTo(expected[k], within(1e-6 * scale));
    }
  }
}
