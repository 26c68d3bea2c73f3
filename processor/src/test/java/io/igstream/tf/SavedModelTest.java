package io.igstream.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.igstream.ig.DenseArray;
import io.igstream.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

class SavedModelTest {

  @Test
  void describesAndRunsTheThirdPartyKerasModel() {
    try (SavedModel model = SavedModel.load(Fixtures.fashionMnist())) {
      SignatureSpec serving = model.signature("serving_default");
      TensorSpec input = serving.inputs().get("conv2d_input");
      assertThat(input.dtype()).isEqualTo(DataType.DT_FLOAT);
      assertThat(input.shape()).containsExactly(-1, 28, 28, 1);
      assertThat(serving.outputs()).containsOnlyKeys("dense_1");

      DenseArray blank = DenseArray.filled(new long[] {28, 28, 1}, 0.0);
      DenseArray bright = DenseArray.filled(new long[] {28, 28, 1}, 1.0);
      List<DenseArray> probabilities =
          model
              .run("serving_default", Map.of("conv2d_input", List.of(blank, bright)))
              .get("dense_1");

      assertThat(probabilities).hasSize(2);
      for (DenseArray row : probabilities) {
        assertThat(row.shape()).containsExactly(10);
        // A softmax head: a distribution over the ten classes.
        assertThat(row.sum()).isCloseTo(1.0, within(1e-5));
        assertThat(java.util.Arrays.stream(row.values()).min().orElseThrow()).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void refusesADirectoryWithoutASavedModel(@TempDir Path empty) {
    assertThatThrownBy(() -> SavedModel.load(empty))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no saved_model.pb");
  }

  @Test
  void namesTheSignaturesThereAreWhenAskedForAMissingOne() {
    try (SavedModel model = SavedModel.load(Fixtures.fashionMnist())) {
      assertThatThrownBy(() -> model.signature("nope")).hasMessageContaining("serving_default");
    }
  }
}
