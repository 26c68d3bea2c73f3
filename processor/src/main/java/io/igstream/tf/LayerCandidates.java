package io.igstream.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;

/**
 * Nodes of a model's function library where layer attribution can be taken: embedding lookups
 * (where token or category ids become float vectors), and the ops Keras layers are made of, with
 * how many data inputs each has for attribution to a layer's inputs.
 */
public final class LayerCandidates {

  private static final Set<String> LOOKUPS = Set.of("GatherV2", "ResourceGather", "Gather");

  // The ops a Keras layer ends in or starts from; variable reads, shapes and constants are left
  // out because there is nothing to attribute to in them.
  private static final Set<String> LAYER_OPS =
      Set.of(
          "MatMul",
          "BatchMatMulV2",
          "Conv2D",
          "DepthwiseConv2dNative",
          "BiasAdd",
          "Relu",
          "Relu6",
          "Elu",
          "Selu",
          "Sigmoid",
          "Tanh",
          "Softmax",
          "FusedBatchNormV3",
          "MaxPool",
          "AvgPool",
          "Mean",
          "Sum",
          "AddV2",
          "Mul",
          "ConcatV2",
          "Reshape",
          "GatherV2",
          "ResourceGather");

  /** At most this many layer nodes are listed; a large network has thousands of ops. */
  public static final int MAX_LAYER_NODES = 200;

  /**
   * A node usable as {@code layer}: its op, and its data inputs (0 to inputs - 1 for {@code
   * layer_input_index} with {@code layer_side: "input"}).
   */
  public record LayerNode(String node, String op, int inputs) {}

  private LayerCandidates() {}

  /** Node names of embedding-like lookups, in library order. */
  public static List<String> find(SavedModel model) {
    List<String> out = new ArrayList<>();
    for (FunctionDef function : model.metaGraph().getGraphDef().getLibrary().getFunctionList()) {
      for (NodeDef node : function.getNodeDefList()) {
        if (LOOKUPS.contains(node.getOp()) && !out.contains(node.getName())) {
          out.add(node.getName());
        }
      }
    }
    return out;
  }

  /** Layer-like nodes in library order, up to {@link #MAX_LAYER_NODES}. */
  public static List<LayerNode> layerNodes(SavedModel model) {
    List<LayerNode> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (FunctionDef function : model.metaGraph().getGraphDef().getLibrary().getFunctionList()) {
      for (NodeDef node : function.getNodeDefList()) {
        if (out.size() == MAX_LAYER_NODES) {
          return out;
        }
        if (LAYER_OPS.contains(node.getOp()) && seen.add(node.getName())) {
          int inputs =
              (int) node.getInputList().stream().filter(input -> !input.startsWith("^")).count();
          out.add(new LayerNode(node.getName(), node.getOp(), inputs));
        }
      }
    }
    return out;
  }
}
