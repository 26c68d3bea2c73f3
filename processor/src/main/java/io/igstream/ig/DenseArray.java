package io.igstream.ig;

import java.util.Arrays;

/**
 * A dense row-major array of numbers with its shape: one instance of a model input, or one
 * attribution, without the batch dimension.
 *
 * <p>Values are held as doubles so that integer ids (token ids, categories) survive unchanged and
 * attribution sums keep their precision; tensors are built from them in the model's own dtype.
 */
public record DenseArray(long[] shape, double[] values) {

  public DenseArray {
    long expected = elementCount(shape);
    if (expected != values.length) {
      throw new IllegalArgumentException(
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " values, got "
              + values.length);
    }
  }

  /** A scalar. */
  public static DenseArray scalar(double value) {
    return new DenseArray(new long[0], new double[] {value});
  }

  /** A one-dimensional array. */
  public static DenseArray vector(double... values) {
    return new DenseArray(new long[] {values.length}, values);
  }

  /** An array of the given shape filled with one value. */
  public static DenseArray filled(long[] shape, double value) {
    double[] values = new double[Math.toIntExact(elementCount(shape))];
    Arrays.fill(values, value);
    return new DenseArray(shape.clone(), values);
  }

  /** Number of elements an array of this shape holds. */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dimension);
    }
    return count;
  }

  public int size() {
    return values.length;
  }

  /** Sum of all values. */
  public double sum() {
    double total = 0;
    for (double value : values) {
      total += value;
    }
    return total;
  }

  /** True when both arrays have the same shape. */
  public boolean sameShape(DenseArray other) {
    return Arrays.equals(shape, other.shape);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DenseArray that
        && Arrays.equals(shape, that.shape)
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "DenseArray" + Arrays.toString(shape);
  }
}
