package io.igstream.ig;

import java.util.Locale;

/**
 * Settings of Blur IG (Xu et al., CVPR 2020): steps along the blur path, the largest blur's sigma,
 * the sigma step of the finite difference that stands for the path's derivative, how sigmas are
 * spaced, and the rows one model run may carry.
 */
public record BlurOptions(
    int steps, double maxSigma, double gradStep, Schedule schedule, int maxRowsPerRun) {

  /** PAIR saliency's defaults, which the paper's experiments use. */
  public static final double DEFAULT_MAX_SIGMA = 50;

  public static final double DEFAULT_GRAD_STEP = 0.01;

  /** How the sigmas of the path points are spaced between 0 and max_sigma. */
  public enum Schedule {
    /** sigma_i = i max / steps: the paper's uniform steps in scale. */
    LINEAR,
    /** sigma_i = sqrt(i max / steps), saliency's {@code sqrt=True}: more points at small blurs. */
    SQRT;

    /** The sigma of point {@code i} of {@code steps} (i = steps is the most blurred image). */
    public double sigma(int i, int steps, double maxSigma) {
      double linear = (double) i * maxSigma / steps;
      return this == LINEAR ? linear : Math.sqrt(linear);
    }

    public String externalName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** A schedule by its config name; the message names the key and the accepted values. */
    public static Schedule fromExternalName(String name) {
      for (Schedule s : values()) {
        if (s.externalName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "blur.schedule must be linear or sqrt, got '" + name + "'");
    }
  }

  // Messages name the model-config keys, since that is where a user sets them.
  public BlurOptions {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1 for blur_ig, got " + steps);
    }
    if (!(maxSigma > 0) || Double.isInfinite(maxSigma)) {
      throw new IllegalArgumentException(
          "blur.max_sigma must be a positive number (the most blurred image's sigma, in pixels),"
              + " got "
              + maxSigma);
    }
    if (!(gradStep > 0) || Double.isInfinite(gradStep)) {
      throw new IllegalArgumentException(
          "blur.grad_step must be a positive number (the sigma step of the path's derivative),"
              + " got "
              + gradStep);
    }
    if (schedule == null) {
      throw new IllegalArgumentException("blur.schedule must be linear or sqrt");
    }
    if (maxRowsPerRun < 1) {
      throw new IllegalArgumentException("max_rows_per_run must be at least 1");
    }
  }

  /** PAIR saliency's defaults (max_sigma 50, grad_step 0.01, linear) at the given steps. */
  public static BlurOptions defaults(int steps) {
    return new BlurOptions(
        steps,
        DEFAULT_MAX_SIGMA,
        DEFAULT_GRAD_STEP,
        Schedule.LINEAR,
        IgOptions.DEFAULT_MAX_ROWS_PER_RUN);
  }

  public BlurOptions withMaxRowsPerRun(int rows) {
    return new BlurOptions(steps, maxSigma, gradStep, schedule, rows);
  }

  /** The sigma of path point {@code i} (0 is the input, {@code steps} the most blurred image). */
  public double sigma(int i) {
    return schedule.sigma(i, steps, maxSigma);
  }
}
