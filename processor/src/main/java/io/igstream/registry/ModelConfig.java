package io.igstream.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.drift.DriftPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one model is explained, read from its {@code igstream-model.json}: which signature, output
 * and inputs, the IG settings and baselines, the target, feature names and feature groups. Every
 * field is optional; the defaults explain the only output of {@code serving_default} w.r.t. every
 * float input, with Gauss-Legendre at 50 steps, the predicted class, and a zero baseline.
 */
public record ModelConfig(
    @JsonProperty("signature") String signature,
    @JsonProperty("output") String output,
    @JsonProperty("output_kind") String outputKind,
    @JsonProperty("inputs") Map<String, InputConfig> inputs,
    @JsonProperty("method") String method,
    @JsonProperty("steps") Integer steps,
    @JsonProperty("target") JsonNode target,
    @JsonProperty("baseline") Double baseline,
    @JsonProperty("baselines") List<Map<String, JsonNode>> baselines,
    @JsonProperty("baseline_sample") BaselineSample baselineSample,
    @JsonProperty("multiply_by_inputs") Boolean multiplyByInputs,
    @JsonProperty("smoothing") SmoothingConfig smoothing,
    @JsonProperty("error_target") Double errorTarget,
    @JsonProperty("max_steps") Integer maxSteps,
    @JsonProperty("max_rows_per_run") Integer maxRowsPerRun,
    @JsonProperty("top_features") Integer topFeatures,
    @JsonProperty("gradient_signature") String gradientSignature,
    @JsonProperty("drift") DriftPolicy.Overrides drift,
    @JsonProperty("guided") GuidedConfig guided,
    @JsonProperty("blur") BlurConfig blur,
    @JsonProperty("groups") Map<String, List<String>> groups) {

  /** The file name the model repository looks for in {@code <root>/<model>/}. */
  public static final String FILE_NAME = "igstream-model.json";

  /** One attributed input. */
  public record InputConfig(
      @JsonProperty("layer") String layer,
      @JsonProperty("feature_names") List<String> featureNames,
      @JsonProperty("baseline") JsonNode baseline,
      @JsonProperty("channel_reducer") String channelReducer,
      // Left out when absent so that the explainer hash of configs without masks is unchanged.
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("superpixels") JsonNode superpixels,
      // Also left out when absent: configs attributing at a layer's output keep their hash.
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("layer_side") String layerSide,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("layer_input_index")
          Integer layerInputIndex) {}

  /** Baselines drawn at random (seeded per event) from a file of reference instances. */
  public record BaselineSample(
      @JsonProperty("file") String file,
      @JsonProperty("draws") Integer draws,
      @JsonProperty("seed") Long seed) {}

  /** SmoothGrad, SmoothGrad-squared or VarGrad over IG. */
  public record SmoothingConfig(
      @JsonProperty("variant") String variant,
      @JsonProperty("sigma") Double sigma,
      @JsonProperty("samples") Integer samples,
      @JsonProperty("seed") Long seed) {}

  /** Guided IG's settings, read only with {@code "method": "guided_ig"}. */
  public record GuidedConfig(
      @JsonProperty("fraction") Double fraction,
      @JsonProperty("anchors") Integer anchors,
      @JsonProperty("max_dist") Double maxDist) {}

  /** Blur IG's settings, read only with {@code "method": "blur_ig"}. */
  public record BlurConfig(
      @JsonProperty("max_sigma") Double maxSigma,
      @JsonProperty("grad_step") Double gradStep,
      @JsonProperty("schedule") String schedule) {}

  /** A config with every field at its default. */
  public static ModelConfig defaults() {
    return new ModelConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null);
  }

  /** The mapper configuration files are read with: unknown fields are errors, not typos ignored. */
  public static ObjectMapper mapper() {
    return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** Reads a config file, with the file name in any error. */
  public static ModelConfig read(Path file) {
    try {
      return mapper().readValue(file.toFile(), ModelConfig.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read model config " + file + ": " + e.getMessage(), e);
    }
  }

  public String signatureOrDefault() {
    return signature != null ? signature : "serving_default";
  }
}
