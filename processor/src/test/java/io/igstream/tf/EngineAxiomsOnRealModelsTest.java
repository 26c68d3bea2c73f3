package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.ig.Attribution;
import io.igstream.ig.DenseArray;
import io.igstream.ig.ExplainRequest;
import io.igstream.ig.IgOptions;
import io.igstream.ig.IntegratedGradients;
import io.igstream.ig.OutputKind;
import io.igstream.ig.QuadratureRule;
import io.igstream.ig.TargetSpec;
import io.igstream.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** IG's axioms and the engine's batching guarantees, on a real Keras CNN (digits_cnn). */
class EngineAxiomsOnRealModelsTest {

  private static TfModel model;
  private static List<Map<String, DenseArray>> images;

  @BeforeAll
  static void load() {
    JsonNode reference = Fixtures.reference("digits_cnn");
    model =
        new ModelLoader(new OpRegistry())
            .load(
                Fixtures.modelDirectory(reference), ReferenceAttributionTest.spec(reference), null);
    images = new ArrayList<>();
    for (JsonNode event : reference.get("events")) {
      images.add(
          Map.of("image", io.igstream.event.JsonArrays.read(event.get("inputs").get("image"))));
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static ExplainRequest request(
      String id, Map<String, DenseArray> image, Map<String, DenseArray> baseline) {
    return new ExplainRequest(id, image, TargetSpec.PREDICTED, List.of(baseline));
  }

  private static Map<String, DenseArray> black() {
    return Map.of("image", DenseArray.filled(new long[] {8, 8, 1}, 0));
  }

  @Test
  void resultsDoNotDependOnBatchCompanionsOrChunkSize() {
    List<ExplainRequest> requests = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      requests.add(request("e" + i, images.get(i), black()));
    }
    List<List<Attribution>> together =
        new IntegratedGradients(
                model, OutputKind.VECTOR, IgOptions.defaults().withMaxRowsPerRun(77))
            .explain(requests);
    IntegratedGradients alone =
        new IntegratedGradients(
            model, OutputKind.VECTOR, IgOptions.defaults().withMaxRowsPerRun(13));
    for (int i = 0; i < requests.size(); i++) {
      double[] single =
          alone
              .explain(List.of(requests.get(i)))
              .get(0)
              .get(0)
              .attributions()
              .get("image")
              .values();
      double[] batched = together.get(i).get(0).attributions().get("image").values();
      double scale = 0;
      for (double v : batched) {
        scale = Math.max(scale, Math.abs(v));
      }
      // Only float32 rounding inside differently sized matrix kernels may differ.
      for (int j = 0; j < single.length; j++) {
        assertThat(single[j]).isCloseTo(batched[j], within(1e-5 * scale));
      }
    }
  }

  @Test
  void pixelsEqualToTheBaselineGetExactlyZero() {
    Map<String, DenseArray> image = images.get(0);
    double[] base = image.get("image").values().clone();
    for (int j = 0; j < base.length; j += 2) {
      base[j] = 0.3; // half the pixels of the baseline differ from the image
    }
    for (int j = 1; j < base.length; j += 2) {
      base[j] = image.get("image").values()[j];
    }
    Map<String, DenseArray> baseline = Map.of("image", new DenseArray(new long[] {8, 8, 1}, base));
    Attribution a =
        new IntegratedGradients(model, OutputKind.VECTOR, IgOptions.defaults())
            .explain(List.of(request("e", image, baseline)))
            .get(0)
            .get(0);
    double[] values = a.attributions().get("image").values();
    for (int j = 1; j < values.length; j += 2) {
      assertThat(values[j]).isEqualTo(0.0);
    }
  }

  @Test
  void completenessErrorShrinksAsStepsGrow() {
    double coarse = 0;
    double fine = 0;
    for (int i = 0; i < images.size(); i++) {
      ExplainRequest r = request("e" + i, images.get(i), black());
      coarse += error(r, 4);
      fine += error(r, 512);
    }
    assertThat(fine).isLessThan(coarse);
    assertThat(fine / images.size()).isLessThan(0.01);
  }

  private static double error(ExplainRequest r, int steps) {
    return new IntegratedGradients(
            model,
            OutputKind.VECTOR,
            IgOptions.defaults().withRule(QuadratureRule.GAUSS_LEGENDRE, steps))
        .explain(List.of(r))
        .get(0)
        .get(0)
        .approximationError();
  }

  @Test
  void oneLoadedModelServesSeveralThreadsAtOnce() throws Exception {
    IntegratedGradients engine =
        new IntegratedGradients(model, OutputKind.VECTOR, IgOptions.defaults());
    Map<Integer, double[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      expected.put(
          i,
          engine
              .explain(List.of(request("e" + i, images.get(i), black())))
              .get(0)
              .get(0)
              .attributions()
              .get("image")
              .values());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<double[]>> futures = new ArrayList<>();
      List<Integer> which = new ArrayList<>();
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < images.size(); i++) {
          int index = i;
          which.add(i);
          futures.add(
              pool.submit(
                  () ->
                      engine
                          .explain(List.of(request("e" + index, images.get(index), black())))
                          .get(0)
                          .get(0)
                          .attributions()
                          .get("image")
                          .values()));
        }
      }
      for (int k = 0; k < futures.size(); k++) {
        assertThat(futures.get(k).get()).containsExactly(expected.get(which.get(k)), within(1e-9));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
