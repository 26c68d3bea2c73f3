package io.igstream.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness for orchestrators. Live: the stream has not failed (a restart is the
 * cure). Ready: the stream is running, or rebalancing for less than the grace period after it ran
 * (rebalances are routine and short), and the model root can be read (without it every event would
 * be dead-lettered, so traffic should go to another instance).
 */
final class StreamProbes implements KafkaStreams.StateListener {

  private final Path modelRoot;
  private final Duration rebalanceGrace;
  private final LongSupplier clock;
  private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
  private volatile long sinceMs;
  private volatile boolean ranOnce;

  StreamProbes(Path modelRoot, Duration rebalanceGrace, LongSupplier clock) {
    this.modelRoot = modelRoot;
    this.rebalanceGrace = rebalanceGrace;
    this.clock = clock;
    this.sinceMs = clock.getAsLong();
  }

  @Override
  public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
    if (newState == KafkaStreams.State.RUNNING) {
      ranOnce = true;
    }
    state = newState;
    sinceMs = clock.getAsLong();
  }

  /** A verdict with what a person reading the probe's body needs. */
  record Verdict(boolean ok, String reason) {}

  Verdict live() {
    KafkaStreams.State s = state;
    boolean failed =
        s == KafkaStreams.State.ERROR
            || s == KafkaStreams.State.PENDING_ERROR
            || s == KafkaStreams.State.PENDING_SHUTDOWN
            || s == KafkaStreams.State.NOT_RUNNING;
    return new Verdict(!failed, failed ? "stream " + s + ": restart the processor" : "live " + s);
  }

  Verdict ready() {
    KafkaStreams.State s = state;
    long since = clock.getAsLong() - sinceMs;
    boolean streaming =
        s == KafkaStreams.State.RUNNING
            || (s == KafkaStreams.State.REBALANCING
                && ranOnce
                && since < rebalanceGrace.toMillis());
    if (!streaming) {
      return new Verdict(false, "stream " + s + " for " + since + " ms");
    }
    if (!Files.isDirectory(modelRoot) || !Files.isReadable(modelRoot)) {
      return new Verdict(false, "model root " + modelRoot + " is not readable");
    }
    return new Verdict(true, "ready");
  }
}
