package io.igstream.drift;

import java.util.Map;

/**
 * The frozen bins a window counts on, taken from a baseline; without a baseline every quantity
 * keeps only its sketch and moments. The approximation error always has the same fixed bins, so
 * that explanation quality compares exactly with or without a baseline.
 *
 * @param id identifies the bins (the baseline's hash), so windows on other bins are not merged
 */
public record SummaryLayout(
    String id,
    Map<String, FeatureBins> values,
    Map<String, FeatureBins> attributions,
    FeatureBins prediction) {

  /** Approximation-error bins: the 5% bar that IG users check sits on an edge. */
  public static final FeatureBins ERROR_BINS =
      new FeatureBins(false, new double[0], new double[] {0.001, 0.01, 0.05, 0.1, 0.5});

  /** No baseline: sketches only. */
  public static final SummaryLayout NONE = new SummaryLayout("", Map.of(), Map.of(), null);

  public SummaryLayout {
    values = Map.copyOf(values);
    attributions = Map.copyOf(attributions);
  }
}
