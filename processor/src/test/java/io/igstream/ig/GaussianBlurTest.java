package io.igstream.ig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.igstream.event.JsonArrays;
import io.igstream.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The blur against its closed form and against scipy's gaussian_filter (the Python reference). */
class GaussianBlurTest {

  /**
   * An impulse far from the edges blurs to the outer product of the truncated, normalised Gaussian
   * exp(-k^2 / 2 sigma^2) / sum_{|m| <= r} exp(-m^2 / 2 sigma^2), r = floor(4 sigma + 0.5), per
   * channel; the other channel (zero) stays zero.
   */
  @Test
  void anImpulseBlursToTheTruncatedGaussianProduct() {
    double sigma = 1.3;
    int radius = (int) Math.floor(4 * sigma + 0.5);
    int n = 2 * radius + 5;
    int centre = n / 2;
    double[] image = new double[n * n * 2];
    image[(centre * n + centre) * 2] = 1;
    double[] out = GaussianBlur.blur(image, new ImageShape(n, n, 2), sigma);
    double norm = 0;
    for (int m = -radius; m <= radius; m++) {
      norm += Math.exp(-m * m / (2 * sigma * sigma));
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int di = i - centre;
        int dj = j - centre;
        double expected =
            Math.abs(di) > radius || Math.abs(dj) > radius
                ? 0
                : Math.exp(-(di * di + dj * dj) / (2 * sigma * sigma)) / (norm * norm);
        assertThat(out[(i * n + j) * 2]).as("(%d, %d)", i, j).isCloseTo(expected, within(1e-15));
        assertThat(out[(i * n + j) * 2 + 1]).isZero();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"digits_cnn", "dilated_conv"})
  void matchesScipyGaussianFilterWithConstantMode(String model) {
    JsonNode reference =
        Fixtures.read(
            Fixtures.root().resolve("references").resolve("blur").resolve(model + ".json"));
    assertThat(reference.get("blur").get("mode").asText()).isEqualTo("constant");
    JsonNode first = reference.get("blurred_first_event");
    String input = reference.get("attributed_input").asText();
    DenseArray image = null;
    for (JsonNode c : reference.get("cases")) {
      if (c.get("event_id").equals(first.get("event_id"))) {
        image = JsonArrays.read(c.get("inputs").get(input));
      }
    }
    long[] s = image.shape();
    ImageShape shape = new ImageShape((int) s[0], (int) s[1], (int) s[2]);
    List<JsonNode> images = List.copyOf(iterable(first.get("images")));
    assertThat(images).hasSizeGreaterThanOrEqualTo(3);
    for (JsonNode blurred : images) {
      double sigma = blurred.get("sigma").asDouble();
      double[] want = JsonArrays.read(blurred.get("image")).values();
      double[] got = GaussianBlur.blur(image.values(), shape, sigma);
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as("sigma %s [%d]", sigma, i).isCloseTo(want[i], within(1e-12));
      }
    }
  }

  private static List<JsonNode> iterable(JsonNode array) {
    List<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
