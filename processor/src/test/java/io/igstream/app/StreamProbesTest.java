package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probes' state rules on a clock the test moves; the HTTP side is in the running tests. */
class StreamProbesTest {

  @TempDir Path models;

  private final AtomicLong now = new AtomicLong(1_000_000);

  private StreamProbes probes() {
    return new StreamProbes(models, Duration.ofSeconds(30), now::get);
  }

  @Test
  void notReadyUntilTheStreamFirstRuns() {
    StreamProbes probes = probes();
    assertThat(probes.ready().ok()).isFalse();
    probes.onChange(State.REBALANCING, State.CREATED);
    // Rebalancing before it ever ran is start-up, not a routine rebalance.
    assertThat(probes.ready().ok()).isFalse();
    assertThat(probes.live().ok()).isTrue();
    probes.onChange(State.RUNNING, State.REBALANCING);
    assertThat(probes.ready().ok()).isTrue();
  }

  @Test
  void aRebalanceAfterRunningIsReadyOnlyWithinTheGrace() {
    StreamProbes probes = probes();
    probes.onChange(State.RUNNING, State.REBALANCING);
    probes.onChange(State.REBALANCING, State.RUNNING);
    now.addAndGet(29_000);
    assertThat(probes.ready().ok()).isTrue();
    now.addAndGet(2_000);
    StreamProbes.Verdict stuck = probes.ready();
    assertThat(stuck.ok()).isFalse();
    assertThat(stuck.reason()).contains("REBALANCING").contains("31000 ms");
    // Still live: a long rebalance (restoring state) is not cured by a restart.
    assertThat(probes.live().ok()).isTrue();
  }

  @Test
  void aFailedOrStoppedStreamIsNotLive() {
    StreamProbes probes = probes();
    probes.onChange(State.RUNNING, State.REBALANCING);
    probes.onChange(State.ERROR, State.RUNNING);
    assertThat(probes.live().ok()).isFalse();
    assertThat(probes.live().reason()).contains("restart");
    assertThat(probes.ready().ok()).isFalse();
  }
}
