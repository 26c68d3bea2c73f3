package io.igstream.testing;

import io.igstream.app.broker.KafkaBroker;
import io.igstream.app.broker.SingleNodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/** A real one-node KRaft broker inside the test JVM, built with Kafka's own test kit. */
public final class InJvmBroker implements KafkaBroker {

  private final KafkaClusterTestKit cluster;
  private final AtomicBoolean closed = new AtomicBoolean();

  private InJvmBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats, starts and waits for a combined broker and controller under java.io.tmpdir. */
  public static InJvmBroker start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder(productionMetadata())
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBaseDirectory(
                Files.createTempDirectory(
                    Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
                    "igstream-kafka-"))
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    SingleNodeSettings.brokerProperties().forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder.setDeleteOnClose(true).build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new InJvmBroker(cluster);
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The newest production metadata version and feature levels, as a real {@code kafka-storage
   * format} would pick; the test kit otherwise bootstraps the newest unstable ones.
   */
  private static BootstrapMetadata productionMetadata() {
    MetadataVersion version = MetadataVersion.latestProduction();
    Map<String, Short> features =
        Feature.PRODUCTION_FEATURES.stream()
            .collect(Collectors.toMap(Feature::featureName, f -> f.defaultLevel(version)));
    return BootstrapMetadata.fromVersions(version, features, "igstream tests");
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Closes the test kit once; its own close throws when called twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("the in-JVM Kafka broker did not shut down cleanly", e);
    }
  }

  @Override
  public String toString() {
    return "in-JVM KRaft broker (KafkaClusterTestKit) at " + bootstrapServers();
  }
}
