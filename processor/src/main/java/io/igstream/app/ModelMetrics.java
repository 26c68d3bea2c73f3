package io.igstream.app;

import io.igstream.registry.GradientRows;
import io.igstream.registry.ModelRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model repository on {@code /metrics}: gradient rows computed per model (rows/s is the IG work
 * rate) and the model versions held loaded. Rows are reported only for models that loaded, so the
 * model label is bounded by the directories under the model root.
 */
final class ModelMetrics implements GradientRows {

  private final MeterRegistry registry;
  private final Map<String, Counter> rows = new ConcurrentHashMap<>();

  ModelMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void computed(String model, long count) {
    rows.computeIfAbsent(
            model,
            m ->
                Counter.builder("igstream.gradient.rows")
                    .description("gradient rows computed (path points through the model)")
                    .tag("model", m)
                    .register(registry))
        .increment(count);
  }

  /** Publishes how many model versions the repository holds loaded. */
  void watch(ModelRepository repository) {
    Gauge.builder("igstream.models.loaded", repository, ModelRepository::loadedCount)
        .description("model versions loaded in this instance's cache")
        .strongReference(true)
        .register(registry);
  }
}
