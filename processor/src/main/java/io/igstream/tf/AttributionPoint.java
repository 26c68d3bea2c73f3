package io.igstream.tf;

/**
 * Where one input's attributions are computed: at the signature input itself, or at an inner tensor
 * that input feeds ({@code layerNode}, a node name in the model's function library, e.g. an
 * embedding lookup), for inputs such as token ids that cannot be differentiated. With {@code
 * layerInputs} the tensor is the one flowing into that node (its data input number {@code
 * layerInputIndex}) rather than the node's output.
 */
public record AttributionPoint(
    String input, String layerNode, boolean layerInputs, int layerInputIndex) {

  public AttributionPoint {
    if (layerInputIndex < 0) {
      throw new IllegalArgumentException("layer_input_index must be >= 0");
    }
    if (layerNode == null && (layerInputs || layerInputIndex != 0)) {
      throw new IllegalArgumentException("a layer side needs a layer node");
    }
  }

  /** Attribution at the node's output (the default side). */
  public AttributionPoint(String input, String layerNode) {
    this(input, layerNode, false, 0);
  }

  public static AttributionPoint atInput(String input) {
    return new AttributionPoint(input, null);
  }

  public boolean isLayer() {
    return layerNode != null;
  }

  /** How the point is named in messages: the node, and which of its tensors. */
  public String describeLayer() {
    return layerInputs ? "input " + layerInputIndex + " of " + layerNode : layerNode;
  }
}
