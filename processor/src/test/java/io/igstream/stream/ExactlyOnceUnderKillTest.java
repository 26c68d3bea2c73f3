package io.igstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.app.broker.Topics;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.ProcessorProcess;
import io.igstream.testing.TestBrokers;
import io.igstream.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's own recipe for exactly-once under failure: the processor runs as a child process ({@code
 * igstream run}), is killed with SIGKILL in the middle of batches three times and restarted; a
 * read_committed reader then finds every input exactly once in the outputs, and the drift summaries
 * count every explained event exactly once.
 */
class ExactlyOnceUnderKillTest {

  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceUnderKillTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 12_000;

  @TempDir Path work;

  @Test
  void killedMidBatchLosesAndDuplicatesNothing() throws Exception {
    try (KafkaBroker broker = TestBrokers.start()) {
      Path models = work.resolve("models");
      ModelRoots.deploy(models, "linear", "linear", "1");
      ModelRoots.deploy(models, "square", "square", "1");
      ModelRoots.deploy(models, "breast_cancer", "breast_cancer", "1");
      String run = UUID.randomUUID().toString().substring(0, 6);
      String input = "kill-in-" + run;
      String output = "kill-out-" + run;
      String dead = "kill-dlq-" + run;
      try (Topics topics = Topics.connect(broker.bootstrapServers())) {
        topics.create(
            Map.of(
                input,
                3,
                output,
                3,
                dead,
                1,
                "kill-batches-" + run,
                3,
                "kill-partials-" + run,
                2,
                "kill-summaries-" + run,
                1,
                "kill-alerts-" + run,
                1),
            Duration.ofSeconds(30));
      }
      Path config = work.resolve("igstream.properties");
      Files.writeString(
          config,
          String.join(
              "\n",
              "igstream.model.root=" + models,
              "igstream.topics.input=" + input,
              "igstream.topics.attributions=" + output,
              "igstream.topics.dead-letters=" + dead,
              "igstream.topics.batches=kill-batches-" + run,
              "igstream.topics.summary-partials=kill-partials-" + run,
              "igstream.topics.summaries=kill-summaries-" + run,
              "igstream.topics.alerts=kill-alerts-" + run,
              "igstream.topics.create=false",
              // Windows short enough that the kills land in open windows and pending entries.
              "igstream.summaries.window-ms=5000",
              "igstream.summaries.grace-ms=1000",
              "igstream.summaries.merge-wait-ms=10000",
              "igstream.batch.size=50",
              "igstream.batch.max-wait-ms=200",
              "igstream.batch.shards=2",
              "igstream.http.port=-1",
              "kafka.bootstrap.servers=" + broker.bootstrapServers(),
              "kafka.application.id=kill-" + run,
              "kafka.state.dir=" + work.resolve("state"),
              "kafka.commit.interval.ms=300",
              // A killed instance must not hold its partitions for long.
              "kafka.session.timeout.ms=6000",
              "kafka.auto.offset.reset=earliest",
              ""));

      List<String> samples =
          List.of(
              "{\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[1,2,3]}}",
              "{\"model\":\"square\",\"version\":\"1\",\"inputs\":{\"x\":[3,3]}}",
              "{\"model\":\"breast_cancer\",\"version\":\"1\",\"inputs\":{\"features\":"
                  + io.igstream.testing.Fixtures.reference("breast_cancer")
                      .get("events")
                      .get(0)
                      .get("inputs")
                      .get("features")
                  + "}}",
              "{\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[1,2]}}");
      try (KafkaProducer<String, String> producer =
          TestClients.producer(broker.bootstrapServers())) {
        for (int i = 0; i < EVENTS; i++) {
          String sample = samples.get(i % samples.size());
          producer.send(
              new ProducerRecord<>(
                  input, "k-" + i, "{\"event_id\":\"k-" + i + "\"," + sample.substring(1)));
        }
        producer.flush();
      }

      Map<String, Integer> seen = new HashMap<>();
      java.util.Set<String> explained = new java.util.HashSet<>();
      long summarised = 0;
      try (KafkaConsumer<String, String> committed =
          TestClients.consumer(broker.bootstrapServers(), "read_committed", output, dead)) {
        for (int kill = 0; kill < 3; kill++) {
          ProcessorProcess app =
              ProcessorProcess.start(
                  "kill-" + kill, config, work.resolve("app-" + kill + ".log"), Map.of());
          int before = seen.size();
          long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          // Let it get into its stride, then kill it mid-flight.
          while (seen.size() < before + 1500 && seen.size() < EVENTS && System.nanoTime() < until) {
            read(committed, seen, explained, output);
          }
          app.kill();
          LOG.info("killed instance {} after {} outputs", kill, seen.size());
        }
        ProcessorProcess app =
            ProcessorProcess.start("final", config, work.resolve("app-final.log"), Map.of());
        try (KafkaConsumer<String, String> summaries =
            TestClients.consumer(
                broker.bootstrapServers(), "read_committed", "kill-summaries-" + run)) {
          long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
          while (seen.size() < EVENTS && System.nanoTime() < until) {
            read(committed, seen, explained, output);
          }
          read(committed, seen, explained, output);
          // The last windows close a window and a grace period after the last event.
          until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
          while (summarised < explained.size() && System.nanoTime() < until) {
            for (ConsumerRecord<String, String> s : summaries.poll(Duration.ofMillis(300))) {
              JsonNode summary = JSON.readTree(s.value());
              summarised += summary.get("events").asLong() + summary.get("late_events").asLong();
            }
          }
        } finally {
          app.terminate(Duration.ofSeconds(60));
          app.close();
        }
      }
      assertThat(seen).hasSize(EVENTS);
      assertThat(seen.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
      // Summaries survived the kills too: each explained event counted in exactly one of them.
      assertThat(summarised).isEqualTo(explained.size());

      // The kills hit open transactions: a read_uncommitted reader sees aborted extras.
      int uncommitted = 0;
      try (KafkaConsumer<String, String> all =
          TestClients.consumer(broker.bootstrapServers(), "read_uncommitted", output, dead)) {
        for (int empty = 0; empty < 3; ) {
          int n = all.poll(Duration.ofMillis(700)).count();
          uncommitted += n;
          empty = n == 0 ? empty + 1 : 0;
        }
      }
      LOG.info("read_committed {} records, read_uncommitted {}", EVENTS, uncommitted);
      assertThat(uncommitted).isGreaterThanOrEqualTo(EVENTS);
    }
  }

  private static void read(
      KafkaConsumer<String, String> consumer,
      Map<String, Integer> seen,
      java.util.Set<String> explained,
      String attributions)
      throws Exception {
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
      JsonNode value = JSON.readTree(record.value());
      seen.merge(value.get("event_id").asText(), 1, Integer::sum);
      if (record.topic().equals(attributions)) {
        explained.add(value.get("event_id").asText());
      }
    }
  }
}
