package io.igstream.registry;

import io.igstream.event.BatchExplainer;
import io.igstream.event.Outcome;
import io.igstream.event.PredictionEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Explains batches with the model versions of a {@link ModelRepository}; when a version cannot be
 * used, every event of the batch fails with the model's reason, so none is lost.
 */
public final class RepositoryBatchExplainer implements BatchExplainer {

  private final ModelRepository repository;

  public RepositoryBatchExplainer(ModelRepository repository) {
    this.repository = repository;
  }

  @Override
  public List<Outcome> explain(String model, String version, List<PredictionEvent> events) {
    try (ModelRepository.Lease lease = repository.lease(model, version)) {
      return lease.explainer().explain(events);
    } catch (ModelRepository.UnavailableModelException e) {
      List<Outcome> failed = new ArrayList<>(events.size());
      for (PredictionEvent event : events) {
        failed.add(new Outcome.Failed(event.eventId(), model, version, "model", e.getMessage()));
      }
      return failed;
    }
  }
}
