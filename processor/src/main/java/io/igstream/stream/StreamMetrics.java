package io.igstream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The stream's counters: what came in, what went out and where, how batches behaved, how long
 * events took end to end, and how many events wait in the micro-batchers' buffers.
 */
public final class StreamMetrics {

  /** The model label of names that are neither configured nor known to the model repository. */
  public static final String OTHER_MODEL = "other";

  private final MeterRegistry registry;
  private final Counter consumed;
  private final Counter explained;
  private final DistributionSummary batchSize;
  private final Timer batchTime;
  private final Predicate<String> knownModel;
  private final Map<String, ModelMeters> byModel = new ConcurrentHashMap<>();
  // One holder per task id: a revived or reassigned task replaces its own, so nothing is counted
  // twice and a task that went away stops counting.
  private final Map<String, AtomicLong> bufferedByTask = new ConcurrentHashMap<>();

  /** Metrics whose model label is always {@value #OTHER_MODEL}. */
  public StreamMetrics(MeterRegistry registry) {
    this(registry, model -> false);
  }

  /**
   * Metrics that label per-model series with the model's name when {@code knownModel} accepts it
   * (configured or loaded names), else {@value #OTHER_MODEL}, so names from events cannot grow the
   * series.
   */
  public StreamMetrics(MeterRegistry registry, Predicate<String> knownModel) {
    this.registry = registry;
    this.knownModel = knownModel;
    this.consumed = registry.counter("igstream.events.consumed");
    this.explained = registry.counter("igstream.events.explained");
    this.batchSize = DistributionSummary.builder("igstream.batch.size").register(registry);
    this.batchTime = Timer.builder("igstream.batch.time").register(registry);
    Gauge.builder("igstream.buffered.events", this, StreamMetrics::bufferedEvents)
        .description("events waiting in this instance's micro-batch buffers")
        .strongReference(true)
        .register(registry);
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

  /**
   * Records a batch explained for a model; the returned meters take the batch's events' end-to-end
   * latencies.
   */
  ModelMeters batch(String model, int size, long nanos) {
    batchSize.record(size);
    batchTime.record(nanos, TimeUnit.NANOSECONDS);
    ModelMeters meters = meters(model);
    meters.batch(size, nanos);
    return meters;
  }

  private ModelMeters meters(String model) {
    // Keyed by label, not by name, so that unknown names share one entry.
    return byModel.computeIfAbsent(
        knownModel.test(model) ? model : OTHER_MODEL, label -> new ModelMeters(registry, label));
  }

  /**
   * A fresh count of the events a task holds buffered, replacing the task's previous one (a task is
   * initialised again after an aborted transaction and rebuilds its count from the store).
   */
  AtomicLong bufferedCount(String taskId) {
    AtomicLong count = new AtomicLong();
    bufferedByTask.put(taskId, count);
    return count;
  }

  /** The task closed: its buffer is no longer this instance's, unless a newer holder took over. */
  void releaseBuffered(String taskId, AtomicLong count) {
    bufferedByTask.remove(taskId, count);
  }

  /** Events waiting in the micro-batch buffers of this instance's tasks. */
  public double bufferedEvents() {
    long sum = 0;
    for (AtomicLong count : bufferedByTask.values()) {
      sum += count.get();
    }
    return sum;
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
