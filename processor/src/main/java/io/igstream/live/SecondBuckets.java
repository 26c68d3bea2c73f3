package io.igstream.live;

/**
 * Arrivals counted in one-second buckets over the last minute: a rate that needs no timestamps per
 * event and a fixed amount of memory.
 */
final class SecondBuckets {

  static final int SECONDS = 60;

  private final long[] second = new long[SECONDS];
  private final long[] count = new long[SECONDS];

  SecondBuckets() {
    java.util.Arrays.fill(second, Long.MIN_VALUE);
  }

  void add(long epochMillis) {
    long s = Math.floorDiv(epochMillis, 1000);
    int i = (int) Math.floorMod(s, SECONDS);
    if (second[i] != s) {
      second[i] = s;
      count[i] = 0;
    }
    count[i]++;
  }

  /** Arrivals per second, averaged over the {@value #SECONDS} seconds up to {@code now}. */
  double perSecond(long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    long total = 0;
    for (int i = 0; i < SECONDS; i++) {
      if (second[i] > now - SECONDS && second[i] <= now) {
        total += count[i];
      }
    }
    return total / (double) SECONDS;
  }
}
