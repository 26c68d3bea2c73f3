package io.igstream.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;

/**
 * Nodes of a model's function library that look like embedding lookups: where token or category ids
 * become float vectors, the usual place for layer attribution.
 */
public final class LayerCandidates {

  private static final Set<String> LOOKUPS = Set.of("GatherV2", "ResourceGather", "Gather");

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
}
