package io.igstream.live;

import java.util.Arrays;

/** The last {@code capacity} finite values of a quantity, for its mean and percentiles. */
final class RecentValues {

  private final double[] ring;
  private int next;
  private int size;

  RecentValues(int capacity) {
    ring = new double[capacity];
  }

  /** Ignores non-finite values: an undefined error or latency says nothing about the others. */
  void add(double value) {
    if (!Double.isFinite(value)) {
      return;
    }
    ring[next] = value;
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  int size() {
    return size;
  }

  /** The mean, or NaN without values. */
  double mean() {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += ring[i];
    }
    return size == 0 ? Double.NaN : sum / size;
  }

  /** Nearest-rank percentile ({@code q} in (0, 1]), or NaN without values. */
  double percentile(double q) {
    if (size == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(ring, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * size);
    return sorted[Math.max(0, Math.min(size, rank) - 1)];
  }
}
