package io.igstream.tf;

import static io.igstream.testing.FloatVectors.dot;
import static io.igstream.testing.FloatVectors.gaussian;
import static io.igstream.testing.FloatVectors.shift;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.JsonArrays;
import io.igstream.ig.DenseArray;
import io.igstream.ig.GradientProbe;
import io.igstream.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * The {@code dilated_conv} fixture (two Conv2D nodes with dilations [1, 2, 2, 1], SAME then VALID):
 * the rewritten graph computes what the SavedModel serves, and without the rewrite TF's own Conv2D
 * gradient is wrong (SAME) or cannot run (VALID), so the load-time probe would refuse the model.
 */
class DilatedConvModelTest {

  private static final OpRegistry REGISTRY = new OpRegistry();
  private static final long[] ROW = {8, 8, 1};

  @Test
  void rewrittenGraphComputesTheSavedModelsOutput() {
    JsonNode reference = Fixtures.reference("dilated_conv");
    try (SavedModel model = SavedModel.load(Fixtures.modelDirectory(reference))) {
      Output<?> x = input(model);
      String served = model.signature("serving_default").outputs().get("output").tensorName();
      Output<?> rebuilt = inliner(model, true).inline(model.graph().output(served));

      assertThat(dilatedConv2dTypes(model)).as("no dilated Conv2D left to differentiate").isEmpty();
      List<float[]> inputs = new ArrayList<>();
      for (JsonNode event : reference.get("events")) {
        inputs.add(floats(JsonArrays.read(event.get("inputs").get("x"))));
      }
      Random random = new Random(3);
      for (int i = 0; i < 3; i++) {
        inputs.add(gaussian(random, 64));
      }
      double worst = 0;
      for (float[] image : inputs) {
        float[] original = run(model, model.graph().output(served), x, image);
        float[] rewritten = run(model, rebuilt, x, image);
        assertThat(rewritten).containsExactly(original, within(1e-6f));
        for (int j = 0; j < original.length; j++) {
          worst = Math.max(worst, Math.abs(original[j] - rewritten[j]));
        }
      }
      System.out.printf("dilated_conv: rewritten vs SavedModel output, max abs diff %.2e%n", worst);
    }
  }

  @Test
  void withoutTheRewriteTheSameLayersGradientIsSilentlyWrong() {
    JsonNode reference = Fixtures.reference("dilated_conv");
    double[] withRewrite = sameLayerDerivatives(reference, true);
    double[] without = sameLayerDerivatives(reference, false);
    System.out.printf(
        "dilated_conv SAME layer: analytic %.6g vs numeric %.6g with the rewrite,"
            + " %.6g vs %.6g without%n",
        withRewrite[0], withRewrite[1], without[0], without[1]);
    assertThat(withRewrite[0]).isCloseTo(withRewrite[1], within(1e-3 * Math.abs(withRewrite[1])));
    assertThat(Math.abs(without[0] - without[1])).isGreaterThan(0.2 * Math.abs(without[1]));
  }

  @Test
  void withoutTheRewriteTheLoadTimeProbeRefusesTheModelAndWithItAgrees() {
    JsonNode reference = Fixtures.reference("dilated_conv");
    Path dir = Fixtures.modelDirectory(reference);
    ExplainedModelSpec spec = ReferenceAttributionTest.spec(reference);

    SavedModel unrewritten = SavedModel.load(dir);
    try (TfModel model = openOrClose(unrewritten, spec, false)) {
      // TF builds Conv2DBackpropInput for an undilated 3x3 filter, which cannot map the VALID
      // layer's 4x4 output gradient back onto its 8x8 input: the probe fails instead of agreeing.
      assertThatThrownBy(() -> GradientProbe.probe(model, zeros(model), 20240611L))
          .hasMessageContaining("Conv2DCustomBackpropInput")
          .hasMessageContaining("dilation: 1");
    }

    SavedModel rewritten = SavedModel.load(dir);
    try (TfModel model = openOrClose(rewritten, spec, true)) {
      GradientProbe.Verdict verdict = GradientProbe.probe(model, zeros(model), 20240611L);
      System.out.println("dilated_conv probe with the rewrite: " + verdict.detail());
      assertThat(verdict.agrees()).as(verdict.detail()).isTrue();
    }
  }

  /**
   * The directional derivative of the first (SAME, dilated) convolution's output along a random
   * direction and upstream vector: analytic from the gradient graph, numeric by central differences
   * of the same forward graph. The layer is linear in x, so the difference quotient is exact up to
   * float32 rounding.
   */
  private static double[] sameLayerDerivatives(JsonNode reference, boolean rewrite) {
    String sameNode = null;
    for (JsonNode node : reference.get("graph").get("dilated_conv2d")) {
      if (node.get("padding").asText().equals("SAME")) {
        sameNode = node.get("node").asText();
      }
    }
    assertThat(sameNode).as("the reference records the SAME dilated Conv2D").isNotNull();
    try (SavedModel model = SavedModel.load(Fixtures.modelDirectory(reference))) {
      Output<?> x = input(model);
      String served = model.signature("serving_default").outputs().get("output").tensorName();
      FunctionInliner inliner = inliner(model, rewrite);
      inliner.inline(model.graph().output(served));
      Output<?> layer = inliner.namedTensors().get(sameNode);
      assertThat(layer).as("rebuilt node " + sameNode).isNotNull();
      GradientGraph gradients = GradientGraph.build(model.graph(), layer, List.of(x), "probe");

      Random random = new Random(17);
      float[] image = gaussian(random, 64);
      float[] direction = gaussian(random, 64);
      float[] upstream = gaussian(random, 8 * 8 * 4);
      float[] gradient = runGradient(model, gradients, x, image, upstream);
      double analytic = dot(gradient, direction);
      float h = 0.5f;
      double numeric =
          (dot(run(model, layer, x, shift(image, direction, h)), upstream)
                  - dot(run(model, layer, x, shift(image, direction, -h)), upstream))
              / (2 * h);
      return new double[] {analytic, numeric};
    }
  }

  private static TfModel openOrClose(SavedModel saved, ExplainedModelSpec spec, boolean rewrite) {
    try {
      return TfModel.open(saved, spec, REGISTRY, rewrite);
    } catch (RuntimeException e) {
      saved.close();
      throw e;
    }
  }

  private static FunctionInliner inliner(SavedModel model, boolean rewrite) {
    return new FunctionInliner(
        model.graph(),
        REGISTRY,
        model.metaGraph().getGraphDef().getLibrary().getFunctionList(),
        rewrite);
  }

  /** Conv2D ops in the loaded graph that still carry a spatial dilation. */
  private static List<String> dilatedConv2dTypes(SavedModel model) {
    List<String> found = new ArrayList<>();
    Iterator<GraphOperation> ops = model.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (op.type().equals("Conv2D")) {
        long[] dilations = op.attributes().getAttrIntList("dilations");
        if (dilations[1] != 1 || dilations[2] != 1) {
          found.add(op.name());
        }
      }
    }
    return found;
  }

  private static Output<?> input(SavedModel model) {
    TensorSpec spec = model.signature("serving_default").inputs().get("x");
    assertThat(spec.dtype()).isEqualTo(DataType.DT_FLOAT);
    return model.graph().output(spec.tensorName());
  }

  private static Map<String, DenseArray> zeros(TfModel model) {
    return ModelLoader.zeros(model.servingSignature());
  }

  private static float[] run(SavedModel model, Output<?> fetch, Output<?> x, float[] image) {
    try (Tensor in = Tensors.floats(Shape.of(1, ROW[0], ROW[1], ROW[2]), image);
        Result result = model.session().runner().feed(x, in).fetch(fetch).run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] runGradient(
      SavedModel model, GradientGraph graph, Output<?> x, float[] image, float[] upstream) {
    try (Tensor in = Tensors.floats(Shape.of(1, ROW[0], ROW[1], ROW[2]), image);
        Tensor dy = Tensors.floats(Shape.of(1, 8, 8, 4), upstream);
        Result result =
            model
                .session()
                .runner()
                .feed(x, in)
                .feed(graph.upstream(), dy)
                .fetch(graph.gradients().get(0))
                .run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] floats(DenseArray array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.values()[i];
    }
    return values;
  }
}
