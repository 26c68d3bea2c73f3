package io.igstream.ig;

import java.util.Arrays;

/**
 * The path of Guided IG from one baseline to one input, over all attributed values flattened into
 * one vector, with the attributions gathered along it.
 *
 * <p>At each step the caller supplies the gradient at {@link #point()}; {@link #advance} then moves
 * the features with the smallest absolute gradient towards the segment's end until the L1 distance
 * left is (1 - k/steps) of the segment's, and adds gradient x change to the attributions. The inner
 * adjustments reuse that one gradient. With anchors the straight line from baseline to input is cut
 * into equal segments and each segment is a Guided IG path of {@code steps} steps of its own.
 */
final class GuidedPath {

  // Distances are compared with the same tolerance as the paper's own implementation.
  private static final double EPSILON = 1e-9;

  private final double[] baseline;
  private final double[] input;
  private final GuidedOptions options;
  private final double[] point;
  private final double[] attributions;
  private final double[] segmentStart;
  private final double[] segmentEnd;
  private double segmentL1;
  private int stepsDone;

  GuidedPath(double[] baseline, double[] input, GuidedOptions options) {
    if (baseline.length != input.length) {
      throw new IllegalArgumentException("baseline and input differ in size");
    }
    this.baseline = baseline.clone();
    this.input = input.clone();
    this.options = options;
    this.point = baseline.clone();
    this.attributions = new double[input.length];
    this.segmentStart = new double[input.length];
    this.segmentEnd = new double[input.length];
  }

  /** Where the next gradient must be taken. */
  double[] point() {
    return point;
  }

  boolean isDone() {
    return stepsDone == options.totalSteps();
  }

  /** Sum over the path of gradient x change, per feature. */
  double[] attributions() {
    return attributions.clone();
  }

  /** Takes one step with the gradient at the current point. */
  void advance(double[] gradient) {
    if (isDone()) {
      throw new IllegalStateException("the path is already at the input");
    }
    int k = stepsDone % options.steps() + 1;
    if (k == 1) {
      startSegment(stepsDone / options.steps());
    }
    double alpha = (double) k / options.steps();
    double alphaMin = Math.max(alpha - options.maxDist(), 0);
    double alphaMax = Math.min(alpha + options.maxDist(), 1);
    double l1Target = segmentL1 * (1 - alpha);
    int n = point.length;
    double[] upper = new double[n];
    double[] lower = new double[n];
    for (int i = 0; i < n; i++) {
      upper[i] = along(alphaMax, i);
      lower[i] = along(alphaMin, i);
    }
    // Every pass either reaches the target or brings at least one more feature to its upper
    // bound, so n + 1 passes always suffice; the bound only guards against rounding.
    for (int pass = 0; pass <= n + 1; pass++) {
      // Features lagging more than max_dist behind the straight line catch up first.
      for (int i = 0; i < n; i++) {
        if (segmentEnd[i] != segmentStart[i] && progress(i) < alphaMin) {
          move(i, lower[i], gradient);
        }
      }
      double l1 = distanceToEnd();
      if (Math.abs(l1 - l1Target) <= Math.max(EPSILON * Math.max(l1, l1Target), EPSILON)) {
        break;
      }
      boolean[] selected = smallestGradients(gradient, upper);
      double l1Selected = 0;
      for (int i = 0; i < n; i++) {
        if (selected[i]) {
          l1Selected += Math.abs(point[i] - upper[i]);
        }
      }
      double gamma = l1Selected > 0 ? (l1 - l1Target) / l1Selected : Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (selected[i]) {
          move(i, gamma > 1 ? upper[i] : point[i] + gamma * (upper[i] - point[i]), gradient);
        }
      }
      if (gamma <= 1) {
        break;
      }
    }
    stepsDone++;
  }

  /**
   * The features not yet at their upper bound whose |gradient| is at most the lower
   * fraction-quantile of all |gradient|s, counting features at the bound as infinitely large (the
   * paper's selection rule).
   */
  private boolean[] smallestGradients(double[] gradient, double[] upper) {
    int n = point.length;
    double[] magnitude = new double[n];
    for (int i = 0; i < n; i++) {
      magnitude[i] = point[i] == upper[i] ? Double.POSITIVE_INFINITY : Math.abs(gradient[i]);
    }
    double[] sorted = magnitude.clone();
    Arrays.sort(sorted);
    double threshold = sorted[(int) Math.floor(options.fraction() * (n - 1))];
    boolean[] selected = new boolean[n];
    for (int i = 0; i < n; i++) {
      selected[i] = magnitude[i] <= threshold && magnitude[i] != Double.POSITIVE_INFINITY;
    }
    return selected;
  }

  private void startSegment(int segment) {
    double from = (double) segment / options.segments();
    double to = (double) (segment + 1) / options.segments();
    segmentL1 = 0;
    for (int i = 0; i < point.length; i++) {
      segmentStart[i] = baseline[i] + from * (input[i] - baseline[i]);
      // The last segment ends exactly at the input, whatever the rounding of the line.
      segmentEnd[i] =
          segment + 1 == options.segments()
              ? input[i]
              : baseline[i] + to * (input[i] - baseline[i]);
      segmentL1 += Math.abs(segmentEnd[i] - segmentStart[i]);
    }
  }

  /** The point at fraction {@code alpha} of the current segment, for feature i. */
  private double along(double alpha, int i) {
    return segmentStart[i] + alpha * (segmentEnd[i] - segmentStart[i]);
  }

  private double progress(int i) {
    return (point[i] - segmentStart[i]) / (segmentEnd[i] - segmentStart[i]);
  }

  private double distanceToEnd() {
    double l1 = 0;
    for (int i = 0; i < point.length; i++) {
      l1 += Math.abs(point[i] - segmentEnd[i]);
    }
    return l1;
  }

  private void move(int i, double to, double[] gradient) {
    attributions[i] += (to - point[i]) * gradient[i];
    point[i] = to;
  }
}
