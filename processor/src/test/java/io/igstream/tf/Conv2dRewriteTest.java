package io.igstream.tf;

import static io.igstream.testing.FloatVectors.dot;
import static io.igstream.testing.FloatVectors.shift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The rewrite on single Conv2D nodes against TensorFlow's own dilated Conv2D kernel (the reference
 * for the forward values) and against central differences of that kernel (the reference for the
 * gradient), over rates, strides and paddings the fixture model does not cover.
 */
class Conv2dRewriteTest {

  private static final long[] INPUT = {2, 9, 10, 2};
  private static final long[] FILTER = {3, 2, 2, 3};
  // Any step gives the exact derivative of a linear map; a large one keeps rounding noise small.
  private static final float H = 0.5f;

  /** A Conv2D node's strides, dilations, padding and explicit paddings. */
  record Case(String label, long[] strides, long[] dilations, String padding, long[] explicit) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("rate 2 SAME", ones(), rates(2, 2), "SAME", null),
        new Case("rates 2x3 VALID", ones(), rates(2, 3), "VALID", null),
        new Case("rate 2 stride 2 SAME", rates(2, 2), rates(2, 2), "SAME", null),
        new Case("rates 3x1 stride 2x1 VALID", rates(2, 1), rates(3, 1), "VALID", null),
        new Case(
            "rates 2x3 EXPLICIT",
            ones(),
            rates(2, 3),
            "EXPLICIT",
            new long[] {0, 0, 1, 2, 3, 0, 0, 0}),
        new Case(
            "rate 1 EXPLICIT", ones(), ones(), "EXPLICIT", new long[] {0, 0, 2, 0, 1, 1, 0, 0}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rewrittenNodeComputesWhatTensorFlowsKernelComputesAndDifferentiatesCorrectly(Case c) {
    NodeDef node = conv2d(c, "NHWC");
    assertThat(Conv2dRewrite.needed(node)).isTrue();
    Random random = new Random(c.label().hashCode());
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Output<?> x = placeholder(graph, "x", INPUT);
      Output<?> filter = floatConstant(graph, "w", FILTER, gaussian(random, FILTER));
      Output<?> original = buildAsIs(graph, node, x, filter);
      GraphOperation rewritten =
          Conv2dRewrite.build(graph.baseScope(), "rewritten", node, x, filter, List.of());
      assertThat(rewritten.attributes().getAttrIntList("dilations")).containsExactly(1, 1, 1, 1);
      Output<?> upstream = placeholder(graph, "dy", original.shape().asArray());
      Output<?> gradient =
          graph
              .addGradients(
                  "grad",
                  new Output<?>[] {rewritten.output(0)},
                  new Output<?>[] {x},
                  new Output<?>[] {upstream})[0];

      float[] input = gaussian(random, INPUT);
      float[] expected = run(session, original, x, input);
      float[] actual = run(session, rewritten.output(0), x, input);
      assertThat(actual).hasSameSizeAs(expected);
      assertThat(actual).containsExactly(expected, within(1e-5f));

      // The convolution is linear in x, so the central difference of TF's own kernel is its exact
      // directional derivative up to float32 rounding, whatever the step.
      float[] dy = gaussian(random, original.shape().asArray());
      float[] direction = gaussian(random, INPUT);
      double analytic = dot(runGradient(session, gradient, x, input, upstream, dy), direction);
      double numeric =
          (dot(run(session, original, x, shift(input, direction, H)), dy)
                  - dot(run(session, original, x, shift(input, direction, -H)), dy))
              / (2 * H);
      assertThat(analytic).isCloseTo(numeric, within(1e-4 * Math.abs(numeric)));
    }
  }

  @Test
  void tensorFlowsOwnGradientOfADilatedSameConvolutionIsWrong() {
    // The defect the rewrite exists for, on the one shape where TF's gradient runs at all.
    NodeDef node = conv2d(cases().findFirst().orElseThrow(), "NHWC");
    Random random = new Random(5);
    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      Output<?> x = placeholder(graph, "x", INPUT);
      Output<?> filter = floatConstant(graph, "w", FILTER, gaussian(random, FILTER));
      Output<?> original = buildAsIs(graph, node, x, filter);
      Output<?> upstream = placeholder(graph, "dy", original.shape().asArray());
      Output<?> gradient =
          graph
              .addGradients(
                  "grad",
                  new Output<?>[] {original},
                  new Output<?>[] {x},
                  new Output<?>[] {upstream})[0];
      float[] input = gaussian(random, INPUT);
      float[] dy = gaussian(random, original.shape().asArray());
      float[] direction = gaussian(random, INPUT);
      double analytic = dot(runGradient(session, gradient, x, input, upstream, dy), direction);
      double numeric =
          (dot(run(session, original, x, shift(input, direction, H)), dy)
                  - dot(run(session, original, x, shift(input, direction, -H)), dy))
              / (2 * H);
      assertThat(Math.abs(analytic - numeric)).isGreaterThan(0.2 * Math.abs(numeric));
    }
  }

  @Test
  void onlyConv2dNodesWithDilationsOrExplicitPaddingAreRewritten() {
    Case plain = new Case("plain", ones(), ones(), "SAME", null);
    assertThat(Conv2dRewrite.needed(conv2d(plain, "NHWC"))).isFalse();
    assertThat(Conv2dRewrite.needed(conv2d(plain, "NHWC").toBuilder().setOp("MatMul").build()))
        .isFalse();
    assertThat(
            Conv2dRewrite.needed(conv2d(plain, "NHWC").toBuilder().removeAttr("dilations").build()))
        .isFalse();
  }

  @Test
  void channelsFirstDilatedConvolutionIsRefusedWithTheReason() {
    NodeDef node = conv2d(new Case("nchw", ones(), new long[] {1, 1, 2, 2}, "SAME", null), "NCHW");
    try (Graph graph = new Graph()) {
      Output<?> x = placeholder(graph, "x", new long[] {2, 2, 9, 10});
      Output<?> filter = floatConstant(graph, "w", FILTER, new float[36]);
      assertThatThrownBy(
              () -> Conv2dRewrite.build(graph.baseScope(), "conv", node, x, filter, List.of()))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("NCHW")
          .hasMessageContaining("NHWC");
    }
  }

  private static NodeDef conv2d(Case c, String format) {
    NodeDef.Builder node =
        NodeDef.newBuilder()
            .setName("conv")
            .setOp("Conv2D")
            .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
            .putAttr("strides", ints(c.strides()))
            .putAttr("dilations", ints(c.dilations()))
            .putAttr("padding", AttrValue.newBuilder().setS(utf8(c.padding())).build())
            .putAttr("data_format", AttrValue.newBuilder().setS(utf8(format)).build())
            .putAttr("use_cudnn_on_gpu", AttrValue.newBuilder().setB(true).build());
    if (c.explicit() != null) {
      node.putAttr("explicit_paddings", ints(c.explicit()));
    }
    return node.build();
  }

  /** The node exactly as the model defines it, the way FunctionInliner builds ordinary nodes. */
  private static Output<?> buildAsIs(Graph graph, NodeDef node, Output<?> x, Output<?> filter) {
    OperationBuilder builder = graph.opBuilder("Conv2D", "original", graph.baseScope());
    builder.addInput(x).addInput(filter);
    for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
      builder.setAttr(attr.getKey(), attr.getValue());
    }
    return builder.build().output(0);
  }

  private static Output<?> placeholder(Graph graph, String name, long[] shape) {
    return graph
        .opBuilder("Placeholder", name, graph.baseScope())
        .setAttr("dtype", DataType.DT_FLOAT)
        .setAttr("shape", Shape.of(shape))
        .build()
        .output(0);
  }

  private static Output<?> floatConstant(Graph graph, String name, long[] shape, float[] values) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long d : shape) {
      dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    TensorProto.Builder tensor =
        TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(dims);
    for (float v : values) {
      tensor.addFloatVal(v);
    }
    return graph
        .opBuilder("Const", name, graph.baseScope())
        .setAttr("dtype", DataType.DT_FLOAT)
        .setAttr("value", AttrValue.newBuilder().setTensor(tensor).build())
        .build()
        .output(0);
  }

  private static float[] run(Session session, Output<?> fetch, Output<?> x, float[] input) {
    try (Tensor in = Tensors.floats(Shape.of(INPUT), input);
        Result result = session.runner().feed(x, in).fetch(fetch).run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] runGradient(
      Session session,
      Output<?> gradient,
      Output<?> x,
      float[] input,
      Output<?> upstream,
      float[] dy) {
    try (Tensor in = Tensors.floats(Shape.of(INPUT), input);
        Tensor up = Tensors.floats(Shape.of(upstream.shape().asArray()), dy);
        Result result = session.runner().feed(x, in).feed(upstream, up).fetch(gradient).run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] gaussian(Random random, long[] shape) {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    float[] values = new float[Math.toIntExact(size)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  private static AttrValue ints(long[] values) {
    AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
    for (long v : values) {
      list.addI(v);
    }
    return AttrValue.newBuilder().setList(list).build();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static long[] ones() {
    return new long[] {1, 1, 1, 1};
  }

  private static long[] rates(long h, long w) {
    return new long[] {1, h, w, 1};
  }
}
