package io.igstream.testing;

import io.igstream.app.broker.KafkaBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Starts a real Kafka broker for a test: a Testcontainers broker where Docker runs, otherwise one
 * inside the test JVM, so the same tests run on a laptop with Docker and on a machine without.
 */
public final class TestBrokers {

  private static final Logger LOG = LoggerFactory.getLogger(TestBrokers.class);

  /** Where a test's broker runs. */
  public enum Kind {
    /** {@link ContainerBroker}: the official image, closest to production. */
    CONTAINER,
    /** {@link InJvmBroker}: no Docker needed. */
    IN_JVM
  }

  private TestBrokers() {}

  /** The kind of broker {@link #start()} gives on this machine. */
  public static Kind chosenKind() {
    return kindFor(DockerClientFactory.instance().isDockerAvailable());
  }

  static Kind kindFor(boolean dockerAvailable) {
    return dockerAvailable ? Kind.CONTAINER : Kind.IN_JVM;
  }

  /** A started broker of {@link #chosenKind()}; close it (once is enough, twice is harmless). */
  public static KafkaBroker start() throws Exception {
    Kind kind = chosenKind();
    long started = System.nanoTime();
    KafkaBroker broker = kind == Kind.CONTAINER ? ContainerBroker.start() : InJvmBroker.start();
    LOG.info(
        "Test broker: {} (Docker {}), ready in {} ms",
        broker,
        kind == Kind.CONTAINER ? "available" : "not available",
        (System.nanoTime() - started) / 1_000_000);
    return broker;
  }
}
