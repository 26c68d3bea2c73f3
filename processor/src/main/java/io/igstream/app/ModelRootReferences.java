package io.igstream.app;

import io.igstream.drift.DriftPolicy;
import io.igstream.registry.BaselineFiles;
import io.igstream.stream.SummaryReferences;
import java.util.Optional;

/** The stream's summary references, read from the model root. */
final class ModelRootReferences implements SummaryReferences {

  private final BaselineFiles files;

  ModelRootReferences(BaselineFiles files) {
    this.files = files;
  }

  @Override
  public Optional<Located> baseline(String model, String version) {
    return files.baseline(model, version).map(f -> new Located(f.baseline(), f.scope()));
  }

  @Override
  public DriftPolicy policy(String model) {
    return files.policy(model);
  }
}
