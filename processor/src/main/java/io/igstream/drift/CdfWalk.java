package io.igstream.drift;

/**
 * Walks the union of two distributions' values in ascending order; between consecutive points both
 * cdfs are constant, so the sup and the integral of their difference are finite sums.
 */
final class CdfWalk {

  private final EmpiricalDistribution first;
  private final EmpiricalDistribution second;

  CdfWalk(EmpiricalDistribution first, EmpiricalDistribution second) {
    this.first = first;
    this.second = second;
  }

  /** sup_x |F_1(x) - F_2(x)|. */
  double supremum() {
    double largest = 0;
    Cursor cursor = new Cursor();
    while (cursor.advance()) {
      largest = Math.max(largest, Math.abs(cursor.firstCdf - cursor.secondCdf));
    }
    return largest;
  }

  /** Integral of |F_1(x) - F_2(x)| over the real line. */
  double integral() {
    double sum = 0;
    Cursor cursor = new Cursor();
    boolean started = cursor.advance();
    while (started) {
      double x = cursor.x;
      double gap = Math.abs(cursor.firstCdf - cursor.secondCdf);
      if (!cursor.advance()) {
        break;
      }
      sum += gap * (cursor.x - x);
    }
    return sum;
  }

  /** Position at one point of the union, with both cdfs there. */
  private final class Cursor {
    private int i;
    private int j;
    private double x;
    private double firstCdf;
    private double secondCdf;

    /** Moves to the next point of the union; false when past the last. */
    boolean advance() {
      boolean firstLeft = i < first.size();
      boolean secondLeft = j < second.size();
      if (!firstLeft && !secondLeft) {
        return false;
      }
      if (!secondLeft || (firstLeft && first.valueAt(i) <= second.valueAt(j))) {
        x = first.valueAt(i);
      } else {
        x = second.valueAt(j);
      }
      // Consume every entry at x on both sides (an array may repeat a value).
      while (i < first.size() && first.valueAt(i) == x) {
        firstCdf = first.cdfAt(i++);
      }
      while (j < second.size() && second.valueAt(j) == x) {
        secondCdf = second.cdfAt(j++);
      }
      return true;
    }
  }
}
