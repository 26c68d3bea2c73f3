package io.igstream.drift;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The running statistics of one quantity (a feature's values, its attributions, the predictions,
 * the approximation errors) in one window: exact counts on frozen bins (when bins are known), a KLL
 * quantile sketch for quantiles, KS and Wasserstein, and moments. Everything merges by addition, so
 * partial windows combine in any order.
 */
public final class FeatureSketch {

  /** KLL accuracy parameter: about 1.3% normalised rank error, a few KB when full. */
  static final int KLL_K = 200;

  private final FeatureBins bins;
  private final long[] counts;
  private final KllDoublesSketch sketch;
  private long missing;
  private long positive;
  private long negative;
  private long zero;
  private double sum;
  private double sumAbs;
  private double sumSq;

  /** An empty sketch; {@code bins} may be null (counts are then derived from the sketch). */
  public FeatureSketch(FeatureBins bins) {
    this(
        bins, bins == null ? null : new long[bins.size()], KllDoublesSketch.newHeapInstance(KLL_K));
  }

  private FeatureSketch(FeatureBins bins, long[] counts, KllDoublesSketch sketch) {
    this.bins = bins;
    this.counts = counts;
    this.sketch = sketch;
  }

  /** Adds one value; NaN (or infinity) counts as missing. */
  public void add(double value) {
    // -0.0 and 0.0 are one value here: bins, point masses and sketches must agree on it.
    double x = value + 0.0;
    if (counts != null) {
      counts[bins.index(Double.isFinite(x) ? x : Double.NaN)]++;
    }
    if (!Double.isFinite(x)) {
      missing++;
      return;
    }
    sketch.update(x);
    sum += x;
    sumAbs += Math.abs(x);
    sumSq += x * x;
    if (x > 0) {
      positive++;
    } else if (x < 0) {
      negative++;
    } else {
      zero++;
    }
  }

  /** Adds another window's statistics of the same quantity. */
  public void merge(FeatureSketch other) {
    if (counts != null) {
      if (other.counts == null || !bins.equals(other.bins)) {
        throw new IllegalArgumentException("cannot merge counts on different bins");
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other.counts[i];
      }
    }
    sketch.merge(other.sketch);
    missing += other.missing;
    positive += other.positive;
    negative += other.negative;
    zero += other.zero;
    sum += other.sum;
    sumAbs += other.sumAbs;
    sumSq += other.sumSq;
  }

  /** A copy without bins: sketch and moments only (for windows counted on other bins). */
  public FeatureSketch withoutBins() {
    FeatureSketch copy = new FeatureSketch(null);
    copy.merge(this);
    return copy;
  }

  /** A copy with the same bins. */
  public FeatureSketch copy() {
    FeatureSketch copy = new FeatureSketch(bins);
    copy.merge(this);
    return copy;
  }

  /** The frozen bins, or null. */
  public FeatureBins bins() {
    return bins;
  }

  /** Exact counts on {@link #bins()}, or null. */
  public long[] counts() {
    return counts == null ? null : counts.clone();
  }

  public KllDoublesSketch sketch() {
    return sketch;
  }

  /** Observations, missing ones included. */
  public long count() {
    return sketch.getN() + missing;
  }

  public long finiteCount() {
    return sketch.getN();
  }

  public long missing() {
    return missing;
  }

  public double missingRate() {
    return count() == 0 ? Double.NaN : missing / (double) count();
  }

  public double mean() {
    return finiteCount() == 0 ? Double.NaN : sum / finiteCount();
  }

  public double meanAbs() {
    return finiteCount() == 0 ? Double.NaN : sumAbs / finiteCount();
  }

  public double meanSquare() {
    return finiteCount() == 0 ? Double.NaN : sumSq / finiteCount();
  }

  /** Population standard deviation. */
  public double std() {
    if (finiteCount() == 0) {
      return Double.NaN;
    }
    double m = mean();
    return Math.sqrt(Math.max(0.0, meanSquare() - m * m));
  }

  public double fractionPositive() {
    return fraction(positive);
  }

  public double fractionNegative() {
    return fraction(negative);
  }

  public double fractionZero() {
    return fraction(zero);
  }

  private double fraction(long n) {
    return finiteCount() == 0 ? Double.NaN : n / (double) finiteCount();
  }

  /** A quantile (inclusive), NaN when empty. */
  public double quantile(double rank) {
    return sketch.isEmpty()
        ? Double.NaN
        : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
  }

  /** Share of finite values above a bound, from the sketch. */
  public double fractionAbove(double bound) {
    return sketch.isEmpty()
        ? Double.NaN
        : 1.0 - sketch.getRank(bound, QuantileSearchCriteria.INCLUSIVE);
  }

  /** The sketch as an empirical distribution for KS and Wasserstein. */
  public EmpiricalDistribution distribution() {
    return EmpiricalDistribution.ofSketch(sketch);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeBoolean(bins != null);
    if (bins != null) {
      out.writeBoolean(bins.categorical());
      writeDoubles(out, bins.pointMasses());
      writeDoubles(out, bins.edges());
      for (long c : counts) {
        out.writeLong(c);
      }
    }
    byte[] bytes = sketch.toByteArray();
    out.writeInt(bytes.length);
    out.write(bytes);
    out.writeLong(missing);
    out.writeLong(positive);
    out.writeLong(negative);
    out.writeLong(zero);
    out.writeDouble(sum);
    out.writeDouble(sumAbs);
    out.writeDouble(sumSq);
  }

  static FeatureSketch read(DataInputStream in) throws IOException {
    FeatureBins bins = null;
    long[] counts = null;
    if (in.readBoolean()) {
      boolean categorical = in.readBoolean();
      bins = new FeatureBins(categorical, readDoubles(in), readDoubles(in));
      counts = new long[bins.size()];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = in.readLong();
      }
    }
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    FeatureSketch s = new FeatureSketch(bins, counts, KllDoublesSketch.heapify(Memory.wrap(bytes)));
    s.missing = in.readLong();
    s.positive = in.readLong();
    s.negative = in.readLong();
    s.zero = in.readLong();
    s.sum = in.readDouble();
    s.sumAbs = in.readDouble();
    s.sumSq = in.readDouble();
    return s;
  }

  static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double v : values) {
      out.writeDouble(v);
    }
  }

  static double[] readDoubles(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1_000_000) {
      throw new IOException("corrupt sketch: " + n + " doubles");
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }
}
