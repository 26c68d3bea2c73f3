package io.igstream.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.event.FeatureGroups;
import io.igstream.ig.Attribution;
import io.igstream.ig.BlurOptions;
import io.igstream.ig.GuidedOptions;
import io.igstream.ig.IgOptions;
import io.igstream.ig.OutputKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Everything that changes what an attribution means (rule, steps, baselines, output, target,
 * smoothing...) and a hash of it: a baseline is only a skew reference for attributions made with
 * the same hash.
 */
public record ExplainerIdentity(ObjectNode config, String hash) {

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /**
   * The hash an event's attributions were made with: an event that brings its own target or
   * baseline was explained differently from the config, so its hash says so and a window holding it
   * reports BASELINE_MISMATCH for attributions instead of mixing them silently.
   */
  public String forEvent(io.igstream.event.PredictionEvent event) {
    boolean own =
        (event.target() != null && !event.target().isNull())
            || (event.baseline() != null && !event.baseline().isNull());
    return own ? hash + "+event-target-or-baseline" : hash;
  }

  /**
   * The identity of a configured explainer; feature groups are hashed as resolved (their members),
   * not as the config's words, so that a superpixel mask file edited in place changes the hash.
   */
  static ExplainerIdentity of(
      ModelConfig config,
      String output,
      OutputKind kind,
      IgOptions options,
      GuidedOptions guided,
      BlurOptions blur,
      FeatureGroups groups) {
    ObjectNode node = CANONICAL.createObjectNode();
    node.put("signature", config.signatureOrDefault());
    node.put("output", output);
    node.put("output_kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    node.put(
        "method",
        guided != null
            ? Attribution.GUIDED_IG
            : blur != null ? Attribution.BLUR_IG : options.rule().externalName());
    // Only Guided and Blur IG add keys, so plain IG's hashes (and baselines made with them) stay
    // valid.
    if (guided != null) {
      ObjectNode settings = node.putObject("guided");
      settings.put("fraction", guided.fraction());
      settings.put("anchors", guided.anchors());
      settings.put("max_dist", guided.maxDist());
    }
    if (blur != null) {
      ObjectNode settings = node.putObject("blur");
      settings.put("max_sigma", blur.maxSigma());
      settings.put("grad_step", blur.gradStep());
      settings.put("schedule", blur.schedule().externalName());
    }
    node.put("steps", options.steps());
    node.put("multiply_by_inputs", options.multiplyByInputs());
    // A text target hashes as before; an object target (contrast, sum...) hashes as given.
    if (config.target() == null || config.target().isNull()) {
      node.put("target", "predicted");
    } else if (config.target().isValueNode()) {
      node.put("target", config.target().asText());
    } else {
      node.set("target", config.target());
    }
    node.put("baseline", config.baseline() == null ? 0.0 : config.baseline());
    node.set("baselines", CANONICAL.valueToTree(config.baselines()));
    node.set("baseline_sample", CANONICAL.valueToTree(config.baselineSample()));
    node.set("smoothing", CANONICAL.valueToTree(config.smoothing()));
    node.set("inputs", CANONICAL.valueToTree(config.inputs()));
    // layer_side is hashed when it changes the point; the default written out keeps the hash.
    if (node.get("inputs") instanceof ObjectNode inputs) {
      inputs.forEach(
          input -> {
            if (input instanceof ObjectNode fields
                && "output".equals(fields.path("layer_side").asText(null))) {
              fields.remove("layer_side");
            }
          });
    }
    // Groups change what summaries observe; only configs with groups get the key, so hashes of
    // configs without groups (and the baselines made with them) stay valid.
    if (!groups.isEmpty()) {
      ObjectNode resolved = node.putObject("groups");
      for (FeatureGroups.Group group : groups.groups()) {
        var members = resolved.putArray(group.name());
        group.members().forEach(m -> members.add(m.input() + "#" + m.index()));
      }
    }
    if (options.errorTarget() != null) {
      node.put("error_target", options.errorTarget());
      node.put("max_steps", options.maxSteps());
    }
    try {
      // Sorted keys at every level, so that the hash does not depend on the config file's order.
      Object sorted = CANONICAL.treeToValue(node, Object.class);
      byte[] canonical = CANONICAL.writeValueAsString(sorted).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return new ExplainerIdentity(node, HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
