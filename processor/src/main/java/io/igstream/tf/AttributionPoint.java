package io.igstream.tf;

/**
 * Where one input's attributions are computed: at the signature input itself, or at an inner tensor
 * that input feeds ({@code layerNode}, a node name in the model's function library, e.g. an
 * embedding lookup), for inputs such as token ids that cannot be differentiated.
 */
public record AttributionPoint(String input, String layerNode) {

  public static AttributionPoint atInput(String input) {
    return new AttributionPoint(input, null);
  }

  public boolean isLayer() {
    return layerNode != null;
  }
}
