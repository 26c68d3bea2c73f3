package io.igstream.stream;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The per-model histograms of one model label: events per batch, time to explain a batch, and each
 * event's latency from its record's timestamp to its attribution being written. Buckets are fixed
 * (not percentiles computed in the JVM) so that Prometheus can aggregate them across instances.
 */
final class ModelMeters {

  /** Batch sizes run from 1 to {@code igstream.batch.size}, at most a few hundred. */
  private static final double[] BATCH_EVENTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  /** A tiny tabular batch takes a millisecond; a large CNN batch on a CPU up to a minute. */
  private static final Duration[] EXPLAIN =
      durations(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000);

  /** At least the batch wait (1 s by default); a backlog or a replay adds minutes. */
  private static final Duration[] LATENCY =
      durations(
          10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000, 300_000,
          600_000);

  private final DistributionSummary batchEvents;
  private final Timer explainTime;
  private final Timer latency;

  ModelMeters(MeterRegistry registry, String model) {
    this.batchEvents =
        DistributionSummary.builder("igstream.batch.events")
            .description("events per batch explained")
            .tag("model", model)
            .serviceLevelObjectives(BATCH_EVENTS)
            .register(registry);
    this.explainTime =
        Timer.builder("igstream.batch.explain")
            .description("time to explain one batch (IG, model loading on first use included)")
            .tag("model", model)
            .serviceLevelObjectives(EXPLAIN)
            .register(registry);
    this.latency =
        Timer.builder("igstream.event.latency")
            .description("from an event's record timestamp to its attribution being written")
            .tag("model", model)
            .serviceLevelObjectives(LATENCY)
            .register(registry);
  }

  void batch(int size, long nanos) {
    batchEvents.record(size);
    explainTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An attribution written {@code millis} after its record's timestamp. */
  void written(long millis) {
    // A producer clock ahead of ours gives a negative figure: it says nothing about latency.
    if (millis >= 0) {
      latency.record(millis, TimeUnit.MILLISECONDS);
    }
  }

  private static Duration[] durations(double... millis) {
    Duration[] out = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      out[i] = Duration.ofNanos((long) (millis[i] * 1_000_000));
    }
    return out;
  }
}
