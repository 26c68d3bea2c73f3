package io.igstream.stream;

import io.igstream.drift.Baseline;
import io.igstream.drift.DriftPolicy;
import java.util.Optional;

/** Where the summaries find a model version's baseline and a model's drift policy. */
public interface SummaryReferences {

  /** The baseline of a model version, if one is deployed; never throws for a missing one. */
  Optional<Located> baseline(String model, String version);

  /** The model's thresholds and alert rules (defaults where its config says nothing). */
  DriftPolicy policy(String model);

  /** A baseline and where it was found: next to the version, or in the model's folder. */
  record Located(Baseline baseline, String scope) {}

  /** No baselines, default policy. */
  SummaryReferences NONE =
      new SummaryReferences() {
        @Override
        public Optional<Located> baseline(String model, String version) {
          return Optional.empty();
        }

        @Override
        public DriftPolicy policy(String model) {
          return DriftPolicy.defaults();
        }
      };
}
