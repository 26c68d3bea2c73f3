package io.igstream.event;

import io.igstream.ig.DenseArray;
import java.util.Arrays;

/** Shape changes for presenting attributions: layer to input shape, image channel reduction. */
public final class Shapes {

  private Shapes() {}

  /**
   * Sums the trailing dimensions a layer adds beyond the input's shape (an embedding's width), so
   * that attributions are keyed like the inputs; returns the array itself when shapes agree. A
   * layer tensor that does not extend the input's shape (a layer's input after pooling, say) has no
   * per-element link to the input, so the input is credited with the total, as a scalar.
   */
  public static DenseArray sumTrailing(DenseArray value, long[] inputShape) {
    if (Arrays.equals(value.shape(), inputShape)) {
      return value;
    }
    long[] shape = value.shape();
    if (shape.length < inputShape.length
        || !Arrays.equals(Arrays.copyOf(shape, inputShape.length), inputShape)) {
      double total = 0;
      for (double v : value.values()) {
        total += v;
      }
      return new DenseArray(new long[0], new double[] {total});
    }
    int outer = Math.toIntExact(DenseArray.elementCount(inputShape));
    int inner = value.size() / Math.max(1, outer);
    double[] sums = new double[outer];
    for (int i = 0; i < outer; i++) {
      for (int j = 0; j < inner; j++) {
        sums[i] += value.values()[i * inner + j];
      }
    }
    return new DenseArray(inputShape.clone(), sums);
  }

  /** Reduces the last (channel) dimension with sum, mean, min or max. */
  public static DenseArray reduceChannels(DenseArray value, String reducer) {
    long[] shape = value.shape();
    if (shape.length < 2) {
      throw new IllegalArgumentException("channel reduction needs an input with a channel axis");
    }
    int channels = Math.toIntExact(shape[shape.length - 1]);
    int pixels = value.size() / channels;
    double[] out = new double[pixels];
    for (int p = 0; p < pixels; p++) {
      double acc =
          switch (reducer) {
            case "min" -> Double.POSITIVE_INFINITY;
            case "max" -> Double.NEGATIVE_INFINITY;
            case "sum", "mean" -> 0;
            default ->
                throw new IllegalArgumentException(
                    "unknown channel reducer '" + reducer + "'; use sum, mean, min, max or none");
          };
      for (int c = 0; c < channels; c++) {
        double v = value.values()[p * channels + c];
        acc =
            switch (reducer) {
              case "min" -> Math.min(acc, v);
              case "max" -> Math.max(acc, v);
              default -> acc + v;
            };
      }
      out[p] = reducer.equals("mean") ? acc / channels : acc;
    }
    return new DenseArray(Arrays.copyOf(shape, shape.length - 1), out);
  }
}
