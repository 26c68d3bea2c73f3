package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.igstream.testing.Fixtures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

class FunctionInlinerTest {

  private static final Shape IMAGE = Shape.of(1, 28, 28, 1);

  @Test
  void rebuiltKerasOutputEqualsTheOriginalAndItsGradientMatchesFiniteDifferences() {
    try (SavedModel model = SavedModel.load(Fixtures.fashionMnist())) {
      TensorSpec input = model.signature("serving_default").inputs().get("conv2d_input");
      TensorSpec output = model.signature("serving_default").outputs().get("dense_1");
      FunctionInliner inliner =
          new FunctionInliner(
              model.graph(),
              new OpRegistry(),
              model.metaGraph().getGraphDef().getLibrary().getFunctionList());
      Output<?> rebuilt = inliner.inline(model.graph().output(output.tensorName()));
      Output<?> x = model.graph().output(input.tensorName());
      GradientGraph gradients = GradientGraph.build(model.graph(), rebuilt, List.of(x), "grad");

      float[] image = randomImage(new Random(7));
      float[] original = run(model, output.tensorName(), input.tensorName(), image);
      float[] inlined = runOutput(model, rebuilt, input.tensorName(), image);
      assertThat(inlined).containsExactly(original, within(1e-6f));

      int target = argmax(original);
      float[] upstream = new float[10];
      upstream[target] = 1f;
      float[] gradient = runGradient(model, gradients, input.tensorName(), image, upstream);

      // Directional derivative along a random direction against a central difference.
      Random random = new Random(11);
      float[] direction = new float[image.length];
      double analytic = 0;
      for (int i = 0; i < direction.length; i++) {
        direction[i] = (float) random.nextGaussian();
        analytic += direction[i] * gradient[i];
      }
      float h = 1e-3f;
      float[] plus = image.clone();
      float[] minus = image.clone();
      for (int i = 0; i < image.length; i++) {
        plus[i] += h * direction[i];
        minus[i] -= h * direction[i];
      }
      double numeric =
          (run(model, output.tensorName(), input.tensorName(), plus)[target]
                  - run(model, output.tensorName(), input.tensorName(), minus)[target])
              / (2.0 * h);
      assertThat(analytic).isCloseTo(numeric, within(2e-2 * Math.max(1e-3, Math.abs(numeric))));
    }
  }

  private static float[] randomImage(Random random) {
    float[] image = new float[28 * 28];
    for (int i = 0; i < image.length; i++) {
      image[i] = random.nextFloat();
    }
    return image;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float[] run(SavedModel model, String fetch, String feed, float[] image) {
    try (Tensor in = Tensors.floats(IMAGE, image);
        Result result = model.session().runner().feed(feed, in).fetch(fetch).run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] runOutput(SavedModel model, Output<?> fetch, String feed, float[] image) {
    try (Tensor in = Tensors.floats(IMAGE, image);
        Result result = model.session().runner().feed(feed, in).fetch(fetch).run()) {
      return Tensors.floatValues(result.get(0));
    }
  }

  private static float[] runGradient(
      SavedModel model, GradientGraph graph, String feed, float[] image, float[] upstream) {
    try (Tensor in = Tensors.floats(IMAGE, image);
        Tensor dy = Tensors.floats(Shape.of(1, upstream.length), upstream);
        Result result =
            model
                .session()
                .runner()
                .feed(feed, in)
                .feed(graph.upstream(), dy)
                .fetch(graph.gradients().get(0))
                .run()) {
      return Tensors.floatValues(result.get(0));
    }
  }
}
