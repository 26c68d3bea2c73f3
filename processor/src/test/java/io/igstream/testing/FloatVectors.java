package io.igstream.testing;

import java.util.Random;

/** Small float-vector helpers for finite-difference checks in tests. */
public final class FloatVectors {

  private FloatVectors() {}

  /** {@code base + h * direction}. */
  public static float[] shift(float[] base, float[] direction, float h) {
    float[] moved = base.clone();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += h * direction[i];
    }
    return moved;
  }

  /** The dot product, in double. */
  public static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  /** Standard normal values. */
  public static float[] gaussian(Random random, int size) {
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
