package io.igstream.testing;

import io.igstream.app.broker.KafkaBroker;
import io.igstream.app.broker.SingleNodeSettings;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** A one-node Kafka broker in a Docker container, for machines where Docker runs. */
public final class ContainerBroker implements KafkaBroker {

  /**
   * Matches the Kafka version of our clients and of the in-JVM broker; override it with {@code
   * -Digstream.test.kafka-image=apache/kafka:X.Y.Z} where that tag is not pulled yet.
   */
  static final String IMAGE = System.getProperty("igstream.test.kafka-image", "apache/kafka:4.3.1");

  private final KafkaContainer container;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ContainerBroker(KafkaContainer container) {
    this.container = container;
  }

  /** Pulls (if needed) and starts the image with our single-node settings. */
  public static ContainerBroker start() {
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
    // The apache/kafka image turns KAFKA_SOME_SETTING into some.setting.
    SingleNodeSettings.brokerProperties()
        .forEach(
            (key, value) ->
                container.withEnv(
                    "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
    container.start();
    return new ContainerBroker(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      container.stop();
    }
  }

  @Override
  public String toString() {
    return "Kafka container " + IMAGE + " at " + bootstrapServers();
  }
}
