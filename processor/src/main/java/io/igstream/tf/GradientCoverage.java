package io.igstream.tf;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Finds the ops on the float path from the attributed tensors to the output and refuses the model
 * when one has no registered gradient: without this check {@code addGradients} would fail later, or
 * silently drop the contribution of that path.
 */
final class GradientCoverage {

  private GradientCoverage() {}

  /** Op types on the differentiated path that have no gradient, sorted. */
  static Set<String> missingGradients(
      Output<?> output, Collection<Output<?>> attributed, OpRegistry registry) {
    Set<String> missing = new TreeSet<>();
    for (GraphOperation op : opsOnPath(output, attributed)) {
      if (!registry.hasGradient(op.type())) {
        missing.add(op.type());
      }
    }
    return missing;
  }

  /** Throws a {@link ModelLoadException} naming the ops without gradients, if any. */
  static void requireGradients(
      Output<?> output, Collection<Output<?>> attributed, OpRegistry registry) {
    Set<String> missing = missingGradients(output, attributed, registry);
    if (!missing.isEmpty()) {
      throw new ModelLoadException(
          "the graph route cannot differentiate this model: no gradient for "
              + String.join(", ", missing)
              + " on the path from the attributed inputs to the output. Re-export the model with a"
              + " gradient signature computed by tf.GradientTape (see fixtures/README.md)");
    }
  }

  /** Ops that depend on an attributed tensor, feed the output, and carry floats. */
  static List<GraphOperation> opsOnPath(Output<?> output, Collection<Output<?>> attributed) {
    Set<GraphOperation> sources = new HashSet<>();
    for (Output<?> tensor : attributed) {
      sources.add((GraphOperation) tensor.op());
    }
    Map<GraphOperation, Boolean> dependsOnSource = new HashMap<>();
    Set<GraphOperation> visiting = new HashSet<>();
    // Iterative depth-first walk (real models are too deep for recursion), with the ops on the
    // current path marked so that a cycle (TF1 while loops: Merge <- NextIteration) is refused
    // instead of walked forever.
    Deque<Frame> stack = new ArrayDeque<>();
    GraphOperation root = (GraphOperation) output.op();
    stack.push(new Frame(root));
    visiting.add(root);
    while (!stack.isEmpty()) {
      Frame frame = stack.peek();
      GraphOperation op = frame.op;
      if (sources.contains(op)) {
        finish(stack, visiting, dependsOnSource, op, true);
        continue;
      }
      List<Operand<?>> inputs = op.inputs();
      if (frame.next < inputs.size()) {
        GraphOperation producer = (GraphOperation) inputs.get(frame.next++).op();
        if (visiting.contains(producer)) {
          throw new ModelLoadException(
              "the graph has a cycle through "
                  + producer.type()
                  + " ("
                  + producer.name()
                  + "): TF1-style control flow cannot be differentiated here. Export a gradient"
                  + " signature computed by tf.GradientTape (see fixtures/README.md)");
        }
        if (!dependsOnSource.containsKey(producer)) {
          visiting.add(producer);
          stack.push(new Frame(producer));
        }
        continue;
      }
      boolean depends = false;
      for (Operand<?> input : inputs) {
        depends |= dependsOnSource.get((GraphOperation) input.op());
      }
      finish(stack, visiting, dependsOnSource, op, depends);
    }
    return dependsOnSource.entrySet().stream()
        .filter(Map.Entry::getValue)
        .map(Map.Entry::getKey)
        .filter(op -> !sources.contains(op))
        .filter(GradientCoverage::carriesFloats)
        .toList();
  }

  /** One op being walked, and the index of the next input to look at. */
  private static final class Frame {
    final GraphOperation op;
    int next;

    Frame(GraphOperation op) {
      this.op = op;
    }
  }

  private static void finish(
      Deque<Frame> stack,
      Set<GraphOperation> visiting,
      Map<GraphOperation, Boolean> dependsOnSource,
      GraphOperation op,
      boolean depends) {
    stack.pop();
    visiting.remove(op);
    dependsOnSource.put(op, depends);
  }

  private static boolean carriesFloats(GraphOperation op) {
    for (int i = 0; i < op.numOutputs(); i++) {
      DataType type = op.output(i).dataType();
      if (type == DataType.DT_FLOAT
          || type == DataType.DT_DOUBLE
          || type == DataType.DT_HALF
          || type == DataType.DT_BFLOAT16
          || type == DataType.DT_VARIANT
          || type == DataType.DT_RESOURCE) {
        return true;
      }
    }
    return false;
  }
}
