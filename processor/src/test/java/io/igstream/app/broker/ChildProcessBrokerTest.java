package io.igstream.app.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.igstream.testing.TransactionalRoundTrip;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessBrokerTest {

  @Test
  void roundTripsTransactionsThenStopsTheProcessAndDeletesItsData() {
    ChildProcessBroker broker = ChildProcessBroker.start();
    long pid = broker.pid();
    Path data = broker.dataDirectory();
    try {
      assertThat(broker.logFile()).content().contains(BrokerReadiness.STARTED_MARKER);
      try (Topics topics = Topics.connect(broker.bootstrapServers())) {
        topics.create(Map.of("child-round-trip", 3), Duration.ofSeconds(30));
      }
      TransactionalRoundTrip.produce(broker.bootstrapServers(), "child-round-trip", 100, 10);
      List<String> read =
          TransactionalRoundTrip.readCommitted(broker.bootstrapServers(), "child-round-trip", 100);
      assertThat(read)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 100).mapToObj(i -> "committed-" + i).toList());
    } finally {
      broker.close();
    }

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(data).doesNotExist();
    broker.close(); // a second close must be harmless
  }

  @Test
  void aBrokerThatCannotBindItsPortFailsWithItsLogAndLeavesNothingBehind() throws Exception {
    Path data = Files.createTempDirectory(DataDirectory.temporaryRoot(), "igstream-port-taken-");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ChildBrokerOptions options =
          ChildBrokerOptions.defaults()
              .withPort(taken.getLocalPort())
              .withDataDirectory(data, true)
              .withStartupTimeout(Duration.ofSeconds(60));

      assertThatThrownBy(() -> ChildProcessBroker.start(options))
          .isInstanceOf(BrokerStartException.class)
          .hasMessageContaining("exited")
          .hasMessageContaining("Address already in use");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(data));
  }

  @Test
  void aBrokerRestartedOnKeptDataStillHasItsRecords(@TempDir Path parent) {
    Path data = parent.resolve("broker");
    ChildBrokerOptions kept = ChildBrokerOptions.defaults().withDataDirectory(data, false);
    String firstAddress;
    try (ChildProcessBroker first = ChildProcessBroker.start(kept)) {
      firstAddress = first.bootstrapServers();
      try (Topics topics = Topics.connect(first.bootstrapServers())) {
        topics.create(Map.of("kept", 1), Duration.ofSeconds(30));
      }
      TransactionalRoundTrip.produce(first.bootstrapServers(), "kept", 10, 0);
    }
    assertThat(data).isDirectory();

    try (ChildProcessBroker second = ChildProcessBroker.start(kept)) {
      assertThat(second.bootstrapServers()).isEqualTo(firstAddress);
      assertThat(TransactionalRoundTrip.readCommitted(second.bootstrapServers(), "kept", 10))
          .hasSize(10);
    }
  }
}
