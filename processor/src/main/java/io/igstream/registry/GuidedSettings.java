package io.igstream.registry;

import io.igstream.ig.Attribution;
import io.igstream.ig.GuidedOptions;
import io.igstream.ig.IgOptions;
import io.igstream.ig.QuadratureRule;

/** Reads Guided IG's settings from a model config and refuses combinations it cannot honour. */
final class GuidedSettings {

  private GuidedSettings() {}

  /** Whether the config asks for Guided IG. */
  static boolean selected(ModelConfig config) {
    return config.method() != null
        && config.method().trim().equalsIgnoreCase(Attribution.GUIDED_IG);
  }

  /** A quadrature rule by name; an unknown name's message lists guided_ig and blur_ig. */
  static QuadratureRule quadratureRule(String method) {
    try {
      return QuadratureRule.fromExternalName(method);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + ", " + Attribution.GUIDED_IG + " or " + Attribution.BLUR_IG, e);
    }
  }

  /**
   * The Guided IG options of a config that selects it, or null for plain IG.
   *
   * @throws IllegalArgumentException naming the offending key
   */
  static GuidedOptions of(ModelConfig config) {
    if (!selected(config)) {
      if (config.guided() != null) {
        throw new IllegalArgumentException(
            "\"guided\" settings are only read with \"method\": \"guided_ig\" (method is "
                + (config.method() == null ? "not set" : "'" + config.method() + "'")
                + ")");
      }
      return null;
    }
    // Each refusal says why: these settings have no meaning on Guided IG's adaptive path.
    if (config.smoothing() != null && config.smoothing().variant() != null) {
      throw new IllegalArgumentException(
          "smoothing cannot be combined with method guided_ig (remove \"smoothing\")");
    }
    if (config.errorTarget() != null) {
      throw new IllegalArgumentException(
          "error_target cannot be used with method guided_ig: its completeness error does not"
              + " shrink reliably with more steps (remove \"error_target\")");
    }
    if (config.multiplyByInputs() != null && !config.multiplyByInputs()) {
      throw new IllegalArgumentException(
          "multiply_by_inputs must be true with method guided_ig: it accumulates gradient x"
              + " change along its path, there is no path-averaged gradient");
    }
    ModelConfig.GuidedConfig guided =
        config.guided() == null ? new ModelConfig.GuidedConfig(null, null, null) : config.guided();
    return new GuidedOptions(
        config.steps() == null ? IgOptions.DEFAULT_STEPS : config.steps(),
        guided.fraction() == null ? GuidedOptions.DEFAULT_FRACTION : guided.fraction(),
        guided.anchors() == null ? 0 : guided.anchors(),
        guided.maxDist() == null ? GuidedOptions.DEFAULT_MAX_DIST : guided.maxDist(),
        config.maxRowsPerRun() == null
            ? IgOptions.DEFAULT_MAX_ROWS_PER_RUN
            : config.maxRowsPerRun());
  }
}
