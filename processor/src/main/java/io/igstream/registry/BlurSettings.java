package io.igstream.registry;

import io.igstream.ig.Attribution;
import io.igstream.ig.BlurOptions;
import io.igstream.ig.IgOptions;
import io.igstream.tf.AttributionPoint;
import java.util.List;

/** Reads Blur IG's settings from a model config and refuses combinations it cannot honour. */
final class BlurSettings {

  private BlurSettings() {}

  /** Whether the config asks for Blur IG. */
  static boolean selected(ModelConfig config) {
    return config.method() != null && config.method().trim().equalsIgnoreCase(Attribution.BLUR_IG);
  }

  /**
   * Refuses attribution at an inner layer: Blur IG blurs the input image itself, and a layer's
   * output (an embedding) has no spatial blur path.
   */
  static void requireInputImages(List<AttributionPoint> points) {
    for (AttributionPoint point : points) {
      if (point.isLayer()) {
        throw new IllegalArgumentException(
            "blur_ig blurs input images: input '"
                + point.input()
                + "' is attributed at layer "
                + point.layerNode()
                + " (remove its \"layer\" or use another method)");
      }
    }
  }

  /**
   * The Blur IG options of a config that selects it, or null for another method.
   *
   * @throws IllegalArgumentException naming the offending key
   */
  static BlurOptions of(ModelConfig config) {
    if (!selected(config)) {
      if (config.blur() != null) {
        throw new IllegalArgumentException(
            "\"blur\" settings are only read with \"method\": \"blur_ig\" (method is "
                + (config.method() == null ? "not set" : "'" + config.method() + "'")
                + ")");
      }
      return null;
    }
    // Each refusal says why: these settings have no meaning on the blur path.
    if (config.smoothing() != null && config.smoothing().variant() != null) {
      throw new IllegalArgumentException(
          "smoothing cannot be combined with method blur_ig (remove \"smoothing\")");
    }
    if (config.errorTarget() != null) {
      throw new IllegalArgumentException(
          "error_target cannot be used with method blur_ig: its completeness error is bounded by"
              + " grad_step's finite difference, not only by steps (remove \"error_target\")");
    }
    if (config.multiplyByInputs() != null && !config.multiplyByInputs()) {
      throw new IllegalArgumentException(
          "multiply_by_inputs must be true with method blur_ig: it accumulates gradient x"
              + " change along the blur path, there is no path-averaged gradient");
    }
    if (config.baselines() != null
        || config.baselineSample() != null
        || config.baseline() != null) {
      throw new IllegalArgumentException(
          "baseline, baselines and baseline_sample cannot be used with method blur_ig: its"
              + " baseline is the input blurred at blur.max_sigma");
    }
    ModelConfig.BlurConfig blur =
        config.blur() == null ? new ModelConfig.BlurConfig(null, null, null) : config.blur();
    return new BlurOptions(
        config.steps() == null ? IgOptions.DEFAULT_STEPS : config.steps(),
        blur.maxSigma() == null ? BlurOptions.DEFAULT_MAX_SIGMA : blur.maxSigma(),
        blur.gradStep() == null ? BlurOptions.DEFAULT_GRAD_STEP : blur.gradStep(),
        blur.schedule() == null
            ? BlurOptions.Schedule.LINEAR
            : BlurOptions.Schedule.fromExternalName(blur.schedule()),
        config.maxRowsPerRun() == null
            ? IgOptions.DEFAULT_MAX_ROWS_PER_RUN
            : config.maxRowsPerRun());
  }
}
