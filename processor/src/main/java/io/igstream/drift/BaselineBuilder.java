package io.igstream.drift;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a baseline from explained training events in two passes: bins are frozen from the whole
 * sample first, then every event is counted on them, exactly as windows will be.
 */
public final class BaselineBuilder {

  private final List<Observation> observations = new ArrayList<>();

  public void add(Observation observation) {
    observations.add(observation);
  }

  public int size() {
    return observations.size();
  }

  /** The statistics of the sample on bins frozen from it. */
  public WindowState build() {
    if (observations.isEmpty()) {
      throw new IllegalArgumentException("a baseline needs at least one explained event");
    }
    Set<String> features = new LinkedHashSet<>();
    observations.forEach(o -> features.addAll(o.attributions().keySet()));
    java.util.Map<String, FeatureBins> values = new java.util.HashMap<>();
    java.util.Map<String, FeatureBins> attributions = new java.util.HashMap<>();
    for (String name : features) {
      double[] v = new double[observations.size()];
      double[] a = new double[observations.size()];
      for (int i = 0; i < v.length; i++) {
        Observation o = observations.get(i);
        v[i] = o.values().getOrDefault(name, Double.NaN);
        a[i] = o.attributions().getOrDefault(name, Double.NaN);
      }
      values.put(name, FeatureBins.fromSample(v, false));
      // IG gives exactly 0 where a feature equals its baseline: that mass gets its own bin.
      attributions.put(name, FeatureBins.fromSample(a, true));
    }
    double[] predictions = new double[observations.size()];
    for (int i = 0; i < predictions.length; i++) {
      Observation o = observations.get(i);
      predictions[i] = o.predictedClass() != null ? o.predictedClass() : o.prediction();
    }
    SummaryLayout layout =
        new SummaryLayout(
            "building", values, attributions, FeatureBins.fromSample(predictions, false));
    WindowState state = WindowState.empty(layout);
    observations.forEach(o -> state.add(o, layout));
    return state;
  }
}
