package io.igstream.ig;

import java.util.Arrays;

/** The height, width and channels of an image tensor (H x W, or H x W x C), row-major. */
public record ImageShape(int height, int width, int channels) {

  /**
   * The image shape of an attributed tensor, taken from its rank: rank 2 is H x W, rank 3 is H x W
   * x C (channels last, as Keras images are).
   *
   * @throws IllegalArgumentException naming the input when it is not an image
   */
  public static ImageShape of(AttributedTensor tensor) {
    long[] shape = tensor.rowShape();
    if (shape.length == 2) {
      return new ImageShape(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), 1);
    }
    if (shape.length == 3) {
      return new ImageShape(
          Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), Math.toIntExact(shape[2]));
    }
    throw new IllegalArgumentException(
        "blur_ig explains images only: input '"
            + tensor.name()
            + "' has row shape "
            + Arrays.toString(shape)
            + ", not H x W or H x W x C (use another method for it)");
  }

  public int size() {
    return height * width * channels;
  }
}
