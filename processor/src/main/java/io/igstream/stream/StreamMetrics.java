package io.igstream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The stream's counters: what came in, what went out and where, and how batches behaved. */
public final class StreamMetrics {

  private final MeterRegistry registry;
  private final Counter consumed;
  private final Counter explained;
  private final DistributionSummary batchSize;
  private final Timer batchTime;

  public StreamMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.consumed = registry.counter("igstream.events.consumed");
    this.explained = registry.counter("igstream.events.explained");
    this.batchSize = DistributionSummary.builder("igstream.batch.size").register(registry);
    this.batchTime = Timer.builder("igstream.batch.time").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  void consumed() {
    consumed.increment();
  }

  void explained() {
    explained.increment();
  }

  void deadLettered(String stage) {
    registry.counter("igstream.events.dead_lettered", "stage", stage).increment();
  }

  void notSampled(String model) {
    registry.counter("igstream.events.not_sampled", "model", model).increment();
  }

  void batch(int size, long nanos) {
    batchSize.record(size);
    batchTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Total events consumed so far. */
  public double consumedCount() {
    return consumed.count();
  }

  public double explainedCount() {
    return explained.count();
  }

  public double deadLetteredCount() {
    return registry.find("igstream.events.dead_lettered").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  public double notSampledCount() {
    return registry.find("igstream.events.not_sampled").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
