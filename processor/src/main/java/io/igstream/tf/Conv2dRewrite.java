package io.igstream.tf;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.GraphOperation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Rebuilds a {@code Conv2D} node that carries spatial dilations or {@code EXPLICIT} padding as an
 * equivalent dilation-1 {@code Conv2D} with {@code SAME}/{@code VALID} padding.
 *
 * <p>Why: the C++ {@code Conv2D} gradient that TF Java uses (TF 2.18) passes neither {@code
 * dilations} nor {@code explicit_paddings} on to {@code Conv2DBackpropInput}, so the gradient of
 * such a node is silently wrong (SAME) or fails to run (VALID: a shape mismatch). The rewritten
 * node is one whose gradient TF computes correctly.
 *
 * <p>How: the filter is dilated in the graph by inserting {@code rate - 1} zeros between its taps
 * (Reshape, Pad, Reshape, Slice), and explicit padding becomes a {@code Pad} of the input followed
 * by a VALID convolution. This was chosen over SpaceToBatchND + Conv2D + BatchToSpaceND (what Keras
 * emits) because TF defines SAME and VALID padding of a dilated convolution on the effective filter
 * size {@code (k - 1) * rate + 1}, which is exactly the zero-inserted filter's size: the padding
 * attribute and the strides carry over unchanged, for any stride and any (even unknown) input size,
 * whereas SpaceToBatchND needs paddings and crops computed from the input size and handles stride 1
 * only. The price is multiplying by the inserted zeros ((2 rate + 1)^2 / 9 times the work for a 3x3
 * filter), which the small dilated layers of converted models can afford.
 */
final class Conv2dRewrite {

  private static final String OP = "Conv2D";
  private static final String EXPLICIT = "EXPLICIT";
  private static final Set<String> REPLACED_ATTRS =
      Set.of("dilations", "padding", "explicit_paddings");

  private Conv2dRewrite() {}

  /** True when the node is a Conv2D whose C++ gradient would be wrong, i.e. one to rewrite. */
  static boolean needed(NodeDef node) {
    if (!node.getOp().equals(OP)) {
      return false;
    }
    List<Long> dilations = dilations(node);
    return dilations.stream().anyMatch(d -> d != 1) || padding(node).equals(EXPLICIT);
  }

  /**
   * Builds the equivalent node; the returned op has the original node's single output.
   *
   * @param name the op name the original node would have had in {@code scope}
   */
  static GraphOperation build(
      Scope scope,
      String name,
      NodeDef node,
      Output<?> input,
      Output<?> filter,
      List<GraphOperation> controlInputs) {
    String format =
        node.containsAttr("data_format")
            ? node.getAttrOrThrow("data_format").getS().toStringUtf8()
            : "NHWC";
    if (!format.equals("NHWC")) {
      throw new ModelLoadException(
          "Conv2D node "
              + node.getName()
              + " has data_format "
              + format
              + " with dilations or explicit padding; only NHWC can be rewritten into a form whose"
              + " gradient TensorFlow computes correctly");
    }
    List<Long> dilations = dilations(node);
    if (dilations.size() != 4 || dilations.get(0) != 1 || dilations.get(3) != 1) {
      throw new ModelLoadException(
          "Conv2D node " + node.getName() + " dilates the batch or channel axis: " + dilations);
    }
    Scope helpers = scope.withSubScope(name + "_rewrite");
    Output<?> dilatedFilter =
        dilateFilter(
            helpers,
            node,
            filter,
            Math.toIntExact(dilations.get(1)),
            Math.toIntExact(dilations.get(2)));
    String padding = padding(node);
    Output<?> paddedInput = input;
    if (padding.equals(EXPLICIT)) {
      paddedInput = padExplicitly(helpers, node, input);
      padding = "VALID";
    }
    OperationBuilder builder =
        scope.opBuilder(OP, name).addInput(paddedInput).addInput(dilatedFilter);
    for (GraphOperation control : controlInputs) {
      builder.addControlInput(control);
    }
    for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
      // Underscore attributes are runtime annotations, as in FunctionInliner.
      if (!attr.getKey().startsWith("_") && !REPLACED_ATTRS.contains(attr.getKey())) {
        builder.setAttr(attr.getKey(), attr.getValue());
      }
    }
    builder.setAttr("padding", padding);
    builder.setAttr("dilations", new long[] {1, 1, 1, 1});
    return (GraphOperation) builder.build();
  }

  /**
   * The filter with {@code rate - 1} zeros between neighbouring taps along height and width: [kh,
   * kw, ci, co] becomes [(kh - 1) rh + 1, (kw - 1) rw + 1, ci, co].
   */
  private static Output<?> dilateFilter(
      Scope scope, NodeDef node, Output<?> filter, int rateH, int rateW) {
    if (rateH == 1 && rateW == 1) {
      return filter;
    }
    long[] shape = filter.shape().isUnknown() ? new long[0] : filter.shape().asArray();
    if (shape.length != 4 || Arrays.stream(shape).anyMatch(d -> d < 0)) {
      // The zeros are placed with static reshapes; real filters (variables, constants) have a
      // fixed shape, so a dynamic one is refused rather than handled with shape arithmetic.
      throw new ModelLoadException(
          "Conv2D node "
              + node.getName()
              + " is dilated but its filter shape "
              + filter.shape()
              + " is not fully known, so it cannot be rewritten");
    }
    int kh = Math.toIntExact(shape[0]);
    int kw = Math.toIntExact(shape[1]);
    int ci = Math.toIntExact(shape[2]);
    int co = Math.toIntExact(shape[3]);
    // A length-1 axis after each tap axis, padded to length `rate`, puts rate - 1 zeros after every
    // tap; merging the axes back interleaves them, and the slice drops the zeros after the last
    // tap.
    Output<?> split =
        binary(scope, "Reshape", filter, vector(scope, "split_shape", kh, 1, kw, 1, ci, co));
    Output<?> padded =
        binary(
            scope,
            "Pad",
            split,
            pairs(scope, "zeros", 0, 0, 0, rateH - 1, 0, 0, 0, rateW - 1, 0, 0, 0, 0));
    Output<?> merged =
        binary(
            scope,
            "Reshape",
            padded,
            vector(scope, "merged_shape", kh * rateH, kw * rateW, ci, co));
    return scope
        .opBuilder("Slice", "dilated_filter")
        .addInput(merged)
        .addInput(vector(scope, "begin", 0, 0, 0, 0))
        .addInput(vector(scope, "size", (kh - 1) * rateH + 1, (kw - 1) * rateW + 1, ci, co))
        .build()
        .output(0);
  }

  /** Zero-pads the input by the node's explicit_paddings, so that a VALID convolution follows. */
  private static Output<?> padExplicitly(Scope scope, NodeDef node, Output<?> input) {
    List<Long> amounts =
        node.containsAttr("explicit_paddings")
            ? node.getAttrOrThrow("explicit_paddings").getList().getIList()
            : List.of();
    if (amounts.size() != 8) {
      throw new ModelLoadException(
          "Conv2D node "
              + node.getName()
              + " has EXPLICIT padding with "
              + amounts.size()
              + " explicit_paddings values; 8 (before/after for each axis) are needed");
    }
    int[] values = new int[8];
    for (int i = 0; i < 8; i++) {
      values[i] = Math.toIntExact(amounts.get(i));
    }
    return binary(scope, "Pad", input, pairs(scope, "explicit_paddings", values));
  }

  private static Output<?> binary(Scope scope, String type, Output<?> a, Output<?> b) {
    return scope.opBuilder(type, type).addInput(a).addInput(b).build().output(0);
  }

  /** An int32 vector constant. */
  private static Output<?> vector(Scope scope, String name, int... values) {
    return int32s(scope, name, new long[] {values.length}, values);
  }

  /** An int32 [n, 2] constant of (before, after) pairs, the paddings operand of Pad. */
  private static Output<?> pairs(Scope scope, String name, int... values) {
    return int32s(scope, name, new long[] {values.length / 2, 2}, values);
  }

  /**
   * An int32 constant. Its value is given as a TensorProto attribute, so no native Tensor is
   * allocated (and none needs closing).
   */
  private static Output<?> int32s(Scope scope, String name, long[] dims, int[] values) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dim));
    }
    TensorProto.Builder value =
        TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(shape);
    for (int v : values) {
      value.addIntVal(v);
    }
    return scope
        .opBuilder("Const", name)
        .setAttr("dtype", DataType.DT_INT32)
        .setAttr("value", AttrValue.newBuilder().setTensor(value).build())
        .build()
        .output(0);
  }

  private static List<Long> dilations(NodeDef node) {
    return node.containsAttr("dilations")
        ? node.getAttrOrThrow("dilations").getList().getIList()
        : List.of(1L, 1L, 1L, 1L);
  }

  private static String padding(NodeDef node) {
    return node.getAttrOrThrow("padding").getS().toStringUtf8();
  }
}
