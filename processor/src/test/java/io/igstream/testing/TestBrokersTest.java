package io.igstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.igstream.app.broker.KafkaBroker;
import io.igstream.testing.TestBrokers.Kind;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class TestBrokersTest {

  @Test
  void dockerDecidesBetweenContainerAndInJvmBroker() {
    assertThat(TestBrokers.kindFor(true)).isEqualTo(Kind.CONTAINER);
    assertThat(TestBrokers.kindFor(false)).isEqualTo(Kind.IN_JVM);
  }

  @Test
  void withoutDockerTheBrokerRunsInThisJvm() throws Exception {
    assumeFalse(
        DockerClientFactory.instance().isDockerAvailable(),
        "Docker runs here, so the container path is taken instead");
    assertThat(TestBrokers.chosenKind()).isEqualTo(Kind.IN_JVM);

    KafkaBroker broker = TestBrokers.start();
    try {
      assertThat(broker).isInstanceOf(InJvmBroker.class);
      assertThat(broker.toString()).startsWith("in-JVM KRaft broker").contains("localhost:");
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }
    } finally {
      broker.close();
    }
    broker.close(); // a second close must be harmless
  }
}
