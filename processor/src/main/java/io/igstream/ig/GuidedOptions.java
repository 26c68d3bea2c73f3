package io.igstream.ig;

/**
 * Settings of Guided IG (Kapishnikov et al., CVPR 2021): steps per segment, the fraction of
 * features moved per adjustment, the number of anchor points on the straight line, the bound on how
 * far a feature's progress may stray from the straight line's alpha, and the rows one model run may
 * carry.
 */
public record GuidedOptions(
    int steps, double fraction, int anchors, double maxDist, int maxRowsPerRun) {

  public static final double DEFAULT_FRACTION = 0.25;
  public static final double DEFAULT_MAX_DIST = 1.0;

  // Messages name the model-config keys, since that is where a user sets them.
  public GuidedOptions {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1 for guided_ig, got " + steps);
    }
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "guided.fraction must be in (0, 1] (the share of features moved at a time), got "
              + fraction);
    }
    if (anchors < 0) {
      throw new IllegalArgumentException("guided.anchors must be 0 or more, got " + anchors);
    }
    if (!(maxDist > 0 && maxDist <= 1)) {
      throw new IllegalArgumentException(
          "guided.max_dist must be in (0, 1] (1 = unbounded), got " + maxDist);
    }
    if (maxRowsPerRun < 1) {
      throw new IllegalArgumentException("max_rows_per_run must be at least 1");
    }
  }

  /** The paper's defaults (fraction 0.25, no anchors, max_dist 1) at the given steps. */
  public static GuidedOptions defaults(int steps) {
    return new GuidedOptions(
        steps, DEFAULT_FRACTION, 0, DEFAULT_MAX_DIST, IgOptions.DEFAULT_MAX_ROWS_PER_RUN);
  }

  /** Straight-line segments the path is made of: one more than the anchors. */
  public int segments() {
    return anchors + 1;
  }

  /** Gradient evaluations one path needs. */
  public int totalSteps() {
    return Math.multiplyExact(steps, segments());
  }

  public GuidedOptions withMaxRowsPerRun(int rows) {
    return new GuidedOptions(steps, fraction, anchors, maxDist, rows);
  }
}
