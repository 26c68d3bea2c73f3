package io.igstream.ig;

/**
 * Separable Gaussian blur of an image over its two spatial axes, channel by channel.
 *
 * <p>It is the blur of {@code scipy.ndimage.gaussian_filter(image, [sigma, sigma, 0],
 * mode="constant", truncate=4.0)}, which PAIR's saliency BlurIG uses: the kernel is cut at {@code
 * int(4 sigma + 0.5)} pixels, normalised over its full width, and pixels outside the image count as
 * zero (so a very blurred image fades to black, the paper's "information-less" start). Only the
 * taps that land inside the image are visited, so a wide kernel on a small image costs the image's
 * size, and memory is two image-sized buffers.
 */
final class GaussianBlur {

  /** Kernel half-width in standard deviations, as scipy's default. */
  static final double TRUNCATE = 4.0;

  private GaussianBlur() {}

  /** The normalised 1-D kernel for {@code sigma}, of width {@code 2 radius + 1}. */
  static double[] kernel(double sigma) {
    int radius = (int) (TRUNCATE * sigma + 0.5);
    double[] weights = new double[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      double w = Math.exp(-0.5 * k * k / (sigma * sigma));
      weights[k + radius] = w;
      sum += w;
    }
    for (int k = 0; k < weights.length; k++) {
      weights[k] /= sum;
    }
    return weights;
  }

  /** The image blurred with standard deviation {@code sigma} (a copy; sigma 0 is the image). */
  static double[] blur(double[] image, ImageShape shape, double sigma) {
    if (sigma == 0) {
      return image.clone();
    }
    double[] kernel = kernel(sigma);
    int c = shape.channels();
    int rowStride = shape.width() * c;
    // Down the columns: one line per (column, channel); then along the rows: one per (row,
    // channel).
    double[] columns = pass(image, kernel, shape.height(), rowStride, 1, 0, rowStride);
    return pass(columns, kernel, shape.width(), c, shape.height(), rowStride, c);
  }

  /**
   * A 1-D correlation along an axis of {@code length} elements {@code stride} apart, zero outside,
   * on every line that starts at {@code o * outerStep + j} for o below {@code outer} and j below
   * {@code inner}.
   */
  private static double[] pass(
      double[] in, double[] kernel, int length, int stride, int outer, int outerStep, int inner) {
    int radius = kernel.length / 2;
    double[] out = new double[in.length];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < inner; j++) {
        int start = o * outerStep + j;
        for (int i = 0; i < length; i++) {
          int from = Math.max(-radius, -i);
          int to = Math.min(radius, length - 1 - i);
          double sum = 0;
          for (int k = from; k <= to; k++) {
            sum += kernel[k + radius] * in[start + (i + k) * stride];
          }
          out[start + i * stride] = sum;
        }
      }
    }
    return out;
  }
}
