package io.igstream.registry;

import io.igstream.tf.AttributionPoint;
import io.igstream.tf.ExplainedModelSpec;
import io.igstream.tf.ModelLoadException;
import io.igstream.tf.SignatureSpec;
import io.igstream.tf.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;

/** Fills a {@link ModelConfig}'s gaps from the SavedModel's own signature. */
public final class ModelSpecs {

  private ModelSpecs() {}

  /** The spec a config asks for, with defaults taken from the model's signature. */
  public static ExplainedModelSpec resolve(SignatureSpec serving, ModelConfig config) {
    String output = config.output();
    if (output == null) {
      if (serving.outputs().size() != 1) {
        throw new ModelLoadException(
            "the signature has several outputs "
                + serving.outputs().keySet()
                + "; say which one to explain with \"output\" in "
                + ModelConfig.FILE_NAME);
      }
      output = serving.outputs().keySet().iterator().next();
    }
    List<AttributionPoint> points = new ArrayList<>();
    if (config.inputs() != null && !config.inputs().isEmpty()) {
      for (Map.Entry<String, ModelConfig.InputConfig> entry : config.inputs().entrySet()) {
        points.add(point(entry.getKey(), entry.getValue()));
      }
    } else {
      for (TensorSpec input : serving.inputs().values()) {
        if (input.dtype() == DataType.DT_FLOAT) {
          points.add(AttributionPoint.atInput(input.key()));
        }
      }
      if (points.isEmpty()) {
        throw new ModelLoadException(
            "the model has no float input to attribute; for token or category ids name the"
                + " embedding layer to attribute at with \"inputs\": {\"<input>\": {\"layer\":"
                + " \"<node>\"}} (igstream inspect-model lists candidates)");
      }
    }
    return new ExplainedModelSpec(serving.key(), output, points, config.gradientSignature());
  }

  /** One configured input's point; {@code layer_side} and its index are checked here. */
  static AttributionPoint point(String input, ModelConfig.InputConfig config) {
    if (config == null || config.layer() == null) {
      if (config != null && config.layerSide() != null) {
        throw refused(input, "layer_side", "needs \"layer\" (the node whose side it names)");
      }
      if (config != null && config.layerInputIndex() != null) {
        throw refused(input, "layer_input_index", "needs \"layer\" and \"layer_side\": \"input\"");
      }
      return AttributionPoint.atInput(input);
    }
    String side = config.layerSide() == null ? "output" : config.layerSide();
    if (!side.equals("output") && !side.equals("input")) {
      throw refused(input, "layer_side", "is '" + side + "'; use \"output\" or \"input\"");
    }
    boolean inputs = side.equals("input");
    Integer index = config.layerInputIndex();
    if (index != null && !inputs) {
      throw refused(input, "layer_input_index", "only applies with \"layer_side\": \"input\"");
    }
    if (index != null && index < 0) {
      throw refused(input, "layer_input_index", "is " + index + "; it must be >= 0");
    }
    return new AttributionPoint(input, config.layer(), inputs, index == null ? 0 : index);
  }

  private static ModelLoadException refused(String input, String key, String why) {
    return new ModelLoadException(
        "inputs." + input + "." + key + " " + why + " in " + ModelConfig.FILE_NAME);
  }
}
