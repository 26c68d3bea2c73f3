package io.igstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-model series stay bounded, and the buffered-events gauge follows tasks as they come back. */
class StreamMetricsTest {

  @Test
  void namesThatAreNotKnownShareTheOtherLabel() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamMetrics metrics = new StreamMetrics(registry, "known"::equals);
    for (int i = 0; i < 50; i++) {
      metrics.batch("unknown-" + i, 2, 1_000_000).written(5);
    }
    metrics.batch("known", 3, 1_000_000).written(7);

    assertThat(
            registry.find("igstream.batch.events").meters().stream()
                .map(m -> m.getId().getTag("model"))
                .toList())
        .containsExactlyInAnyOrder("other", "known");
    assertThat(registry.get("igstream.batch.events").tag("model", "other").summary().count())
        .isEqualTo(50);
    assertThat(registry.get("igstream.batch.events").tag("model", "known").summary().totalAmount())
        .isEqualTo(3);
    assertThat(registry.get("igstream.event.latency").tag("model", "other").timer().count())
        .isEqualTo(50);
    assertThat(registry.getMeters().stream().map(Meter::getId))
        .noneMatch(id -> String.valueOf(id.getTag("model")).startsWith("unknown-"));
  }

  @Test
  void aTaskInitialisedAgainReplacesItsCountAndAClosedOneStopsCounting() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StreamMetrics metrics = new StreamMetrics(registry);
    AtomicLong first = metrics.bufferedCount("1_0");
    first.addAndGet(5);
    metrics.bufferedCount("1_1").addAndGet(2);
    assertThat(registry.get("igstream.buffered.events").gauge().value()).isEqualTo(7);

    // Revived after an aborted transaction: the count is rebuilt from the store, not added.
    AtomicLong revived = metrics.bufferedCount("1_0");
    revived.addAndGet(4);
    assertThat(registry.get("igstream.buffered.events").gauge().value()).isEqualTo(6);

    // The old instance closing late must not take the revived task's count with it.
    metrics.releaseBuffered("1_0", first);
    assertThat(metrics.bufferedEvents()).isEqualTo(6);
    metrics.releaseBuffered("1_0", revived);
    assertThat(metrics.bufferedEvents()).isEqualTo(2);
  }
}
