package io.igstream.tf;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;

/**
 * The explained output of a model rebuilt from its call bodies, with the vector-Jacobian product of
 * that output with respect to the attributed tensors.
 *
 * <p>The upstream gradient is a placeholder rather than a fixed one-hot vector, so that one graph
 * serves every target: each row feeds its own upstream vector.
 */
final class GradientGraph {

  private final Output<?> output;
  private final Output<?> upstream;
  private final List<Output<?>> attributed;
  private final List<Output<?>> gradients;

  private GradientGraph(
      Output<?> output, Output<?> upstream, List<Output<?>> attributed, List<Output<?>> gradients) {
    this.output = output;
    this.upstream = upstream;
    this.attributed = attributed;
    this.gradients = gradients;
  }

  /**
   * Builds the gradient graph.
   *
   * @param output the rebuilt, differentiable explained output
   * @param attributed tensors to differentiate with respect to (inputs or inner tensors)
   */
  static GradientGraph build(
      Graph graph, Output<?> output, List<Output<?>> attributed, String name) {
    if (output.dataType() != DataType.DT_FLOAT) {
      throw new ModelLoadException(
          "the explained output is "
              + output.dataType()
              + "; only float32 outputs can be explained");
    }
    Scope scope = graph.baseScope().withSubScope(name);
    long[] dims = output.shape().isUnknown() ? new long[] {-1, -1} : output.shape().asArray();
    GraphOperation upstream =
        (GraphOperation)
            scope
                .opBuilder("Placeholder", "upstream")
                .setAttr("dtype", DataType.DT_FLOAT)
                .setAttr("shape", Shape.of(dims))
                .build();
    Output<?>[] xs = attributed.toArray(new Output<?>[0]);
    Output<?>[] grads =
        graph.addGradients(
            scope.makeOpName("gradients"),
            new Output<?>[] {output},
            xs,
            new Output<?>[] {upstream.output(0)});
    List<Output<?>> gradientList = new ArrayList<>();
    for (int i = 0; i < grads.length; i++) {
      if (grads[i] == null) {
        throw new ModelLoadException(
            "the explained output does not depend on attributed tensor " + xs[i].op().name());
      }
      gradientList.add(grads[i]);
    }
    return new GradientGraph(output, upstream.output(0), List.copyOf(attributed), gradientList);
  }

  Output<?> output() {
    return output;
  }

  Output<?> upstream() {
    return upstream;
  }

  List<Output<?>> attributed() {
    return attributed;
  }

  List<Output<?>> gradients() {
    return gradients;
  }
}
