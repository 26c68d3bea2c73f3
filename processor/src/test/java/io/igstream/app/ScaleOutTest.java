package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.app.broker.Topics;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.ProcessorProcess;
import io.igstream.testing.TestBrokers;
import io.igstream.testing.TestClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Several {@code igstream run} processes with one application id share the work, and the group
 * survives what happens to pods: two instances explain side by side, one is stopped with SIGTERM (a
 * scale-in), later the other is killed with SIGKILL while a third starts (a node lost during a
 * roll-out). A read_committed reader then finds every event explained or dead-lettered exactly
 * once, and the summaries count every explained event exactly once.
 */
class ScaleOutTest {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 5_000;

  @TempDir Path work;

  @Test
  void instancesShareTheWorkAndLoseNothingWhenStoppedOrKilled() throws Exception {
    try (KafkaBroker broker = TestBrokers.start()) {
      Path models = work.resolve("models");
      ModelRoots.deploy(models, "linear", "linear", "1");
      ModelRoots.deploy(models, "square", "square", "1");
      ModelRoots.deploy(models, "diabetes", "diabetes", "1");
      ModelRoots.deploy(models, "breast_cancer", "breast_cancer", "1");
      String run = UUID.randomUUID().toString().substring(0, 6);
      Map<String, String> topics = new LinkedHashMap<>();
      for (String t :
          List.of("input", "attributions", "dead-letters", "batches", "partials", "summaries")) {
        topics.put(t, "scale-" + t + "-" + run);
      }
      try (Topics admin = Topics.connect(broker.bootstrapServers())) {
        admin.create(
            Map.of(
                topics.get("input"),
                6,
                topics.get("batches"),
                6,
                topics.get("attributions"),
                3,
                topics.get("dead-letters"),
                1,
                topics.get("partials"),
                2,
                topics.get("summaries"),
                1,
                "scale-alerts-" + run,
                1),
            Duration.ofSeconds(30));
      }
      Path config = work.resolve("igstream.properties");
      Files.writeString(
          config,
          String.join(
              "\n",
              "igstream.model.root=" + models,
              "igstream.topics.input=" + topics.get("input"),
              "igstream.topics.attributions=" + topics.get("attributions"),
              "igstream.topics.dead-letters=" + topics.get("dead-letters"),
              "igstream.topics.batches=" + topics.get("batches"),
              "igstream.topics.summary-partials=" + topics.get("partials"),
              "igstream.topics.summaries=" + topics.get("summaries"),
              "igstream.topics.alerts=scale-alerts-" + run,
              "igstream.topics.create=false",
              "igstream.summaries.window-ms=5000",
              "igstream.summaries.grace-ms=1000",
              "igstream.summaries.merge-wait-ms=10000",
              "igstream.batch.size=32",
              "igstream.batch.max-wait-ms=200",
              // The busiest model spreads over several keys; the others stay whole.
              "igstream.batch.shards.model.breast_cancer=4",
              "kafka.bootstrap.servers=" + broker.bootstrapServers(),
              "kafka.application.id=scale-" + run,
              // A warm copy of each task's state on the other instance, as the manifests set.
              "kafka.num.standby.replicas=1",
              "kafka.commit.interval.ms=300",
              "kafka.session.timeout.ms=6000",
              // A SIGKILLed instance's open transaction blocks read_committed readers of its
              // partitions (the next owner restoring state included) until the broker aborts it:
              // a replacement with a new state directory has a new transactional id and cannot
              // fence it. The README's trade-off; here short, to keep the test short.
              "kafka.producer.transaction.timeout.ms=15000",
              "kafka.auto.offset.reset=earliest",
              ""));

      List<String> samples = samples();
      Map<String, Integer> seen = new HashMap<>();
      Set<String> explained = new HashSet<>();
      List<ProcessorProcess> instances = new ArrayList<>();
      try (KafkaProducer<String, String> producer =
              TestClients.producer(broker.bootstrapServers());
          KafkaConsumer<String, String> committed =
              TestClients.consumer(
                  broker.bootstrapServers(),
                  "read_committed",
                  topics.get("attributions"),
                  topics.get("dead-letters"))) {
        ProcessorProcess a = start("a", config, instances);
        ProcessorProcess b = start("b", config, instances);
        awaitReady(a);
        awaitReady(b);

        // Both running: the work is shared.
        produce(producer, topics.get("input"), samples, 0, 2000);
        readUntil(committed, seen, explained, topics.get("attributions"), 2000);
        double byA = a.metric("igstream_events_explained_total");
        double byB = b.metric("igstream_events_explained_total");
        LOG.info("while both ran: a explained {}, b explained {}", byA, byB);
        assertThat(byA).as("events explained by instance a").isGreaterThan(0);
        assertThat(byB).as("events explained by instance b").isGreaterThan(0);
        assertThat(byA + byB).isLessThanOrEqualTo(explained.size());

        // Scale-in: SIGTERM closes the stream cleanly and leaves the group.
        assertThat(a.terminate(Duration.ofSeconds(60))).as("a exits on SIGTERM").isTrue();
        produce(producer, topics.get("input"), samples, 2000, 3500);
        readUntil(committed, seen, explained, topics.get("attributions"), 3000);

        // A third instance starts while the last one dies without warning, mid-stream.
        ProcessorProcess c = start("c", config, instances);
        produce(producer, topics.get("input"), samples, 3500, 4000);
        b.kill();
        produce(producer, topics.get("input"), samples, 4000, EVENTS);
        awaitReady(c);
        readUntil(committed, seen, explained, topics.get("attributions"), EVENTS);
        assertThat(c.metric("igstream_events_explained_total"))
            .as("events explained by instance c")
            .isGreaterThan(0);

        assertThat(seen).hasSize(EVENTS);
        assertThat(seen.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
        // Every 25th event is bad and must be a dead letter, never an attribution.
        assertThat(explained).hasSize(EVENTS - EVENTS / 25);

        long summarised = 0;
        try (KafkaConsumer<String, String> summaries =
            TestClients.consumer(
                broker.bootstrapServers(), "read_committed", topics.get("summaries"))) {
          long until = System.nanoTime() + Duration.ofMinutes(1).toNanos();
          while (summarised < explained.size() && System.nanoTime() < until) {
            for (ConsumerRecord<String, String> s : summaries.poll(Duration.ofMillis(300))) {
              JsonNode summary = JSON.readTree(s.value());
              summarised += summary.get("events").asLong() + summary.get("late_events").asLong();
            }
          }
        }
        assertThat(summarised)
            .as("explained events counted in summaries")
            .isEqualTo(explained.size());
      } finally {
        for (ProcessorProcess p : instances) {
          p.close();
        }
      }
    }
  }

  private ProcessorProcess start(String name, Path config, List<ProcessorProcess> instances)
      throws Exception {
    // One machine, several instances: each needs its own state directory and HTTP port.
    ProcessorProcess p =
        ProcessorProcess.start(
            name,
            config,
            work.resolve(name + ".log"),
            Map.of(
                "IGSTREAM_KAFKA_STATE_DIR",
                work.resolve("state-" + name).toString(),
                "IGSTREAM_HTTP_PORT",
                "0"));
    instances.add(p);
    return p;
  }

  private static void awaitReady(ProcessorProcess p) throws Exception {
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    java.net.http.HttpResponse<String> ready = p.get("/ready");
    while (ready.statusCode() != 200 && System.nanoTime() < until) {
      Thread.sleep(500);
      ready = p.get("/ready");
    }
    assertThat(ready.statusCode())
        .as("%s /ready said '%s'; log:%n%s", p.name(), ready.body().trim(), tail(p.log()))
        .isEqualTo(200);
  }

  private static String tail(Path log) throws java.io.IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Tabular events of four models, and every 25th one bad (a wrong shape, an unknown model). */
  private static List<String> samples() {
    String diabetes =
        Fixtures.reference("diabetes")
            .get("events")
            .get(0)
            .get("inputs")
            .get("features")
            .toString();
    String cancer =
        Fixtures.reference("breast_cancer")
            .get("events")
            .get(0)
            .get("inputs")
            .get("features")
            .toString();
    return List.of(
        "\"model\":\"breast_cancer\",\"version\":\"1\",\"inputs\":{\"features\":" + cancer + "}}",
        "\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[1,2,3]}}",
        "\"model\":\"breast_cancer\",\"version\":\"1\",\"inputs\":{\"features\":" + cancer + "}}",
        "\"model\":\"diabetes\",\"version\":\"1\",\"inputs\":{\"features\":" + diabetes + "}}",
        "\"model\":\"square\",\"version\":\"1\",\"inputs\":{\"x\":[3,3]}}");
  }

  /** Sends events {@code from..to} at about 250 a second, as live traffic arrives. */
  private static void produce(
      KafkaProducer<String, String> producer, String topic, List<String> samples, int from, int to)
      throws Exception {
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = "s-" + i;
      String body =
          i % 50 == 0
              ? "\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[1,2]}}"
              : i % 25 == 0
                  ? "\"model\":\"unknown_model\",\"version\":\"1\",\"inputs\":{\"x\":[1]}}"
                  : samples.get(i % samples.size());
      sent.add(
          producer.send(new ProducerRecord<>(topic, id, "{\"event_id\":\"" + id + "\"," + body)));
      if (i % 25 == 24) {
        for (java.util.concurrent.Future<?> f : sent) {
          f.get();
        }
        sent.clear();
        Thread.sleep(100);
      }
    }
    for (java.util.concurrent.Future<?> f : sent) {
      f.get();
    }
  }

  private static void readUntil(
      KafkaConsumer<String, String> consumer,
      Map<String, Integer> seen,
      Set<String> explained,
      String attributions,
      int count)
      throws Exception {
    long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (seen.size() < count && System.nanoTime() < until) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
        JsonNode value = JSON.readTree(record.value());
        seen.merge(value.get("event_id").asText(), 1, Integer::sum);
        if (record.topic().equals(attributions)) {
          explained.add(value.get("event_id").asText());
        }
      }
    }
  }
}
