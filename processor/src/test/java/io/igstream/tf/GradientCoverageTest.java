package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class GradientCoverageTest {

  @Test
  void findsTheFloatOpsBetweenInputAndOutputThroughDiamonds() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      var a = tf.math.mul(x, tf.constant(2f));
      var b = tf.math.tanh(x);
      var y = tf.math.add(a, b);
      var unrelated = tf.math.add(tf.constant(1f), tf.constant(2f));
      var out = tf.math.mul(y, unrelated);
      List<String> types =
          GradientCoverage.opsOnPath(out.asOutput(), List.of(x.asOutput())).stream()
              .map(op -> op.type())
              .sorted()
              .toList();
      assertThat(types).containsExactly("Add", "Mul", "Mul", "Tanh");
    }
  }

  @Test
  void refusesTf1WhileLoopsInsteadOfWalkingTheirCycleForever() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Output<?>[] loop =
          graph.whileLoop(
              new Output<?>[] {x.asOutput()},
              (g, inputs, outputs) -> {
                Ops t = Ops.create(g);
                outputs[0] = t.math.less((Output<TFloat32>) inputs[0], t.constant(100f)).asOutput();
              },
              (g, inputs, outputs) -> {
                Ops t = Ops.create(g);
                outputs[0] = t.math.mul((Output<TFloat32>) inputs[0], t.constant(2f)).asOutput();
              },
              "doubling");
      assertThatThrownBy(() -> GradientCoverage.opsOnPath(loop[0], List.of(x.asOutput())))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("cycle")
          .hasMessageContaining("gradient signature");
    }
  }
}
