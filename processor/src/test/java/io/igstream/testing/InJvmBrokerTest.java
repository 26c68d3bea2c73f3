package io.igstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.igstream.app.broker.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InJvmBrokerTest {

  @Test
  void committedTransactionsAreReadBackAndAbortedOnesStayInvisible() throws Exception {
    try (InJvmBroker broker = InJvmBroker.start()) {
      try (Topics topics = Topics.connect(broker.bootstrapServers())) {
        topics.create(Map.of("in-jvm-round-trip", 3), Duration.ofSeconds(30));
      }

      TransactionalRoundTrip.produce(broker.bootstrapServers(), "in-jvm-round-trip", 100, 10);
      List<String> read =
          TransactionalRoundTrip.readCommitted(broker.bootstrapServers(), "in-jvm-round-trip", 100);

      assertThat(read)
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 100).mapToObj(i -> "committed-" + i).toList());
    }
  }
}
