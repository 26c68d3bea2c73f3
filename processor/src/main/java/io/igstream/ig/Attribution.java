package io.igstream.ig;

import java.util.Map;

/**
 * The attributions for one target of one event, with what is needed to judge them: F(x), F(b)
 * (averaged over baselines), the sum, the completeness delta and the approximation error |delta| /
 * |F(x) - F(b)|. Delta and error are null where completeness does not apply (smoothing variants,
 * path-averaged gradients).
 */
public record Attribution(
    Integer target,
    double outputAtInput,
    double outputAtBaseline,
    Map<String, DenseArray> attributions,
    double attributionSum,
    Double delta,
    Double approximationError,
    QuadratureRule rule,
    int steps,
    Boolean errorTargetMet) {}
