package io.igstream.ig;

/**
 * How attributions are computed: the quadrature, whether gradients are multiplied by (input -
 * baseline), smoothing, how many path points one model run may carry, and an optional error target
 * that raises the step count per event up to {@code maxSteps}.
 */
public record IgOptions(
    QuadratureRule rule,
    int steps,
    boolean multiplyByInputs,
    Smoothing smoothing,
    int maxRowsPerRun,
    Double errorTarget,
    int maxSteps) {

  public static final int DEFAULT_STEPS = 50;
  public static final int DEFAULT_MAX_ROWS_PER_RUN = 200;

  public IgOptions {
    rule.points(steps); // validates the step count for the rule
    if (maxRowsPerRun < 1) {
      throw new IllegalArgumentException("maxRowsPerRun must be at least 1");
    }
    if (errorTarget != null && !(errorTarget > 0)) {
      throw new IllegalArgumentException("the error target must be a positive number");
    }
    if (maxSteps < steps) {
      maxSteps = steps;
    }
  }

  /** Gauss-Legendre with 50 steps, multiplied by inputs, no smoothing, 200 rows per run. */
  public static IgOptions defaults() {
    return new IgOptions(
        QuadratureRule.GAUSS_LEGENDRE,
        DEFAULT_STEPS,
        true,
        Smoothing.NONE,
        DEFAULT_MAX_ROWS_PER_RUN,
        null,
        DEFAULT_STEPS);
  }

  public IgOptions withRule(QuadratureRule newRule, int newSteps) {
    return new IgOptions(
        newRule, newSteps, multiplyByInputs, smoothing, maxRowsPerRun, errorTarget, maxSteps);
  }

  public IgOptions withMaxRowsPerRun(int rows) {
    return new IgOptions(rule, steps, multiplyByInputs, smoothing, rows, errorTarget, maxSteps);
  }

  public IgOptions withErrorTarget(Double target, int newMaxSteps) {
    return new IgOptions(
        rule, steps, multiplyByInputs, smoothing, maxRowsPerRun, target, newMaxSteps);
  }

  public IgOptions withSmoothing(Smoothing newSmoothing) {
    return new IgOptions(
        rule, steps, multiplyByInputs, newSmoothing, maxRowsPerRun, errorTarget, maxSteps);
  }

  public IgOptions withMultiplyByInputs(boolean multiply) {
    return new IgOptions(rule, steps, multiply, smoothing, maxRowsPerRun, errorTarget, maxSteps);
  }
}
