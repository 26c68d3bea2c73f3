package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.registry.ModelConfig;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.PromQlNames;
import io.igstream.testing.PrometheusScrape;
import io.igstream.testing.TestBrokers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators read from {@code /metrics} on a real broker, over real HTTP: the batch and latency
 * histograms, gradient rows, buffered events, loaded models and readiness carry the values the
 * traffic implies; and every metric name the Grafana dashboard and the Prometheus alert rules use
 * is in a real scrape, drift series included.
 */
class OperationsMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH_SIZE = 10;
  private static final int GOOD_EVENTS = 100;
  private static final int UNKNOWN_MODEL_EVENTS = 3;
  private static final int UNREADABLE_EVENTS = 2;
  private static final int NOT_SAMPLED_EVENTS = 1;
  private static final long WINDOW_MS = 10_000;

  /** Series Prometheus adds to every target itself; no target serves them. */
  private static final Set<String> FROM_PROMETHEUS = Set.of("up");

  @TempDir static Path work;
  private static KafkaBroker broker;
  private static RunCommand.Running running;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static PrometheusScrape scrape;
  private static double bufferedWhileWaiting;
  private static double secondsOfTraffic;

  @BeforeAll
  static void runTraffic() throws Exception {
    broker = TestBrokers.start();
    Path models = work.resolve("models");
    // The fixture carries its version's training baseline, so the first window can raise skew.
    ModelRoots.deploy(models, "diabetes", "1", "diabetes", "1");
    String run = "ops-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> env = RunTopics.prefixed(run);
    env.put("IGSTREAM_HTTP_PORT", "0");
    env.put("IGSTREAM_BATCH_SIZE", String.valueOf(BATCH_SIZE));
    // Long enough that full batches form by count and the unknown model's events are seen
    // waiting; one shard and one partition, so every model's events form one group.
    env.put("IGSTREAM_BATCH_MAX_WAIT_MS", "5000");
    env.put("IGSTREAM_BATCH_SHARDS", "1");
    env.put("IGSTREAM_TOPICS_PARTITIONS", "1");
    env.put("IGSTREAM_SUMMARIES_WINDOW_MS", String.valueOf(WINDOW_MS));
    env.put("IGSTREAM_SUMMARIES_GRACE_MS", "1000");
    env.put("IGSTREAM_SUMMARIES_MERGE_WAIT_MS", "2000");
    env.put("IGSTREAM_SUMMARIES_MIN_EVENTS", "50");
    // A configured model that is never sampled: counted, never explained.
    env.put("IGSTREAM_SAMPLING_MODEL_SKIPPED", "0");
    env.put("IGSTREAM_KAFKA_STATE_DIR", work.resolve("state").toString());
    AppConfig config =
        AppConfig.load(null, env).withBrokerAndModels(broker.bootstrapServers(), models, run);
    running = RunCommand.Running.start(config);
    await().atMost(Duration.ofSeconds(90)).until(() -> get("/ready").statusCode() == 200);

    long started = System.nanoTime();
    try (KafkaProducer<String, String> producer =
        io.igstream.testing.TestClients.producer(broker.bootstrapServers())) {
      // Events of a model that is not deployed wait for the maximum wait, then are dead-lettered.
      for (int i = 0; i < UNKNOWN_MODEL_EVENTS; i++) {
        send(producer, config, event("u" + i, "nosuch", Map.of("x", 1.0)));
      }
      for (int i = 0; i < UNREADABLE_EVENTS; i++) {
        send(producer, config, "not json " + i);
      }
      for (int i = 0; i < NOT_SAMPLED_EVENTS; i++) {
        send(producer, config, event("s" + i, "skipped", Map.of("x", 1.0)));
      }
      producer.flush();
      // They reach the buffer one by one: wait until all three are there, within the wait.
      bufferedWhileWaiting =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> scrape().value("igstream_buffered_events").orElse(0),
                  v -> v >= UNKNOWN_MODEL_EVENTS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  scrape().value("igstream_events_dead_lettered_total{stage=\"model\"}").orElse(0)
                      == UNKNOWN_MODEL_EVENTS);

      // The good events: all in one summary window of the wall clock (their record timestamps),
      // with bmi moved by about two training standard deviations so that the window alerts.
      while (System.currentTimeMillis() % WINDOW_MS > WINDOW_MS / 4) {
        Thread.sleep(50);
      }
      List<Map<String, Double>> rows =
          FeatureRows.read(Fixtures.root().resolve("data/diabetes.test.csv"));
      for (int i = 0; i < GOOD_EVENTS; i++) {
        Map<String, Double> row = new java.util.LinkedHashMap<>(rows.get(i % rows.size()));
        row.put("bmi", row.get("bmi") + 0.1);
        send(producer, config, event("g" + i, "diabetes", row));
      }
      producer.flush();
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              PrometheusScrape s = scrape();
              return s.value("igstream_events_explained_total").orElse(0) == GOOD_EVENTS
                  && s.value("igstream_buffered_events").orElse(-1) == 0
                  && s.sampleNames().contains("igstream_alerts_total")
                  && s.sampleNames().contains("igstream_drift_score");
            });
    secondsOfTraffic = (System.nanoTime() - started) / 1e9;
    scrape = scrape();
  }

  @AfterAll
  static void stop() {
    if (running != null) {
      running.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void operatorSeriesCarryTheTrafficsValues() throws Exception {
    assertThat(bufferedWhileWaiting)
        .as("the unknown model's events, seen while they wait")
        .isEqualTo(UNKNOWN_MODEL_EVENTS);
    assertThat(scrape.value("igstream_buffered_events")).hasValue(0);
    assertThat(scrape.value("igstream_models_loaded")).hasValue(1);
    assertThat(scrape.value("igstream_ready")).hasValue(1);
    assertThat(scrape.value("igstream_events_consumed_total"))
        .hasValue(GOOD_EVENTS + UNKNOWN_MODEL_EVENTS + UNREADABLE_EVENTS + NOT_SAMPLED_EVENTS);
    assertThat(scrape.value("igstream_events_not_sampled_total", Map.of("model", "skipped")))
        .hasValue(NOT_SAMPLED_EVENTS);

    // Full batches of the good events; the unknown model's three in one batch, labelled "other".
    Map<String, String> diabetes = Map.of("model", "diabetes");
    Map<String, String> other = Map.of("model", "other");
    assertThat(scrape.value("igstream_batch_events_count", diabetes))
        .hasValue(GOOD_EVENTS / BATCH_SIZE);
    assertThat(scrape.value("igstream_batch_events_sum", diabetes)).hasValue(GOOD_EVENTS);
    assertThat(scrape.value("igstream_batch_events_count", other)).hasValue(1);
    assertThat(scrape.value("igstream_batch_events_sum", other)).hasValue(UNKNOWN_MODEL_EVENTS);
    assertThat(bucket("igstream_batch_events_bucket", "diabetes", "8.0")).isZero();
    assertThat(bucket("igstream_batch_events_bucket", "diabetes", "16.0"))
        .isEqualTo(GOOD_EVENTS / BATCH_SIZE);
    assertThat(bucket("igstream_batch_events_bucket", "other", "2.0")).isZero();
    assertThat(bucket("igstream_batch_events_bucket", "other", "4.0")).isEqualTo(1);
    // The legacy summary counts the same batches.
    assertThat(scrape.value("igstream_batch_size_count")).hasValue(GOOD_EVENTS / BATCH_SIZE + 1.0);

    assertThat(scrape.value("igstream_batch_explain_seconds_count", diabetes))
        .hasValue(GOOD_EVENTS / BATCH_SIZE);
    assertThat(bucket("igstream_batch_explain_seconds_bucket", "diabetes", "+Inf"))
        .isEqualTo(GOOD_EVENTS / BATCH_SIZE);
    double explainSeconds =
        scrape.value("igstream_batch_explain_seconds_sum", diabetes).orElseThrow();
    assertThat(explainSeconds).isPositive().isLessThan(secondsOfTraffic);

    // Every explained event once; none waited longer than the traffic lasted.
    assertThat(scrape.value("igstream_event_latency_seconds_count", diabetes))
        .hasValue(GOOD_EVENTS);
    double latency = scrape.value("igstream_event_latency_seconds_sum", diabetes).orElseThrow();
    assertThat(latency).isPositive().isLessThan(GOOD_EVENTS * secondsOfTraffic);
    // The unknown model's events were dead-lettered, not written as attributions.
    assertThat(scrape.value("igstream_event_latency_seconds_count", other)).hasValue(0);

    // One gradient row per quadrature point of each event's single path (one target, baseline).
    ModelConfig modelConfig =
        ModelConfig.read(Fixtures.root().resolve("models/diabetes").resolve(ModelConfig.FILE_NAME));
    assertThat(scrape.value("igstream_gradient_rows_total", diabetes))
        .hasValue((double) GOOD_EVENTS * modelConfig.steps());

    // Names from events that neither loaded nor are configured never become labels.
    assertThat(scrape.value("igstream_batch_events_count", Map.of("model", "nosuch"))).isEmpty();
  }

  @Test
  void everyMetricTheDashboardAndAlertRulesReadIsScraped() throws Exception {
    Path repo = Fixtures.repositoryRoot();
    JsonNode dashboard =
        JSON.readTree(repo.resolve("deploy/grafana/igstream-dashboard.json").toFile());
    List<String> dashboardExprs = new ArrayList<>();
    collectTargets(dashboard.path("panels"), dashboardExprs);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        dashboardExprs.add(PromQlNames.promQlOfVariableQuery(text));
      }
    }
    JsonNode rules =
        new YAMLMapper().readTree(repo.resolve("deploy/prometheus/igstream-alerts.yaml").toFile());
    List<String> ruleExprs = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        ruleExprs.add(rule.path("expr").asText());
        assertThat(rule.path("alert").asText()).isNotBlank();
        assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
      }
    }
    // Enough to mean something: every panel kind and every required rule is there.
    assertThat(dashboardExprs).hasSizeGreaterThanOrEqualTo(10);
    assertThat(ruleExprs).hasSizeGreaterThanOrEqualTo(5);

    assertThat(scrape.missing(dashboardExprs, FROM_PROMETHEUS))
        .as(
            "metric names the dashboard reads that a real scrape lacks (scrape has %s)",
            scrape.sampleNames())
        .isEmpty();
    assertThat(scrape.missing(ruleExprs, FROM_PROMETHEUS))
        .as(
            "metric names the alert rules read that a real scrape lacks (scrape has %s)",
            scrape.sampleNames())
        .isEmpty();

    // The check bites: one letter off in a real expression is reported, by name.
    String real =
        ruleExprs.stream().filter(e -> e.contains("igstream_events_")).findFirst().orElseThrow();
    String misspelt = real.replace("igstream_events_", "igstream_event_");
    assertThat(scrape.missing(List.of(real), FROM_PROMETHEUS)).isEmpty();
    assertThat(scrape.missing(List.of(misspelt), FROM_PROMETHEUS))
        .isNotEmpty()
        .allSatisfy((name, expr) -> assertThat(name).startsWith("igstream_event_"));
  }

  private static void collectTargets(JsonNode panels, List<String> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
      collectTargets(panel.path("panels"), out);
    }
  }

  private static double bucket(String name, String model, String le) {
    return scrape
        .value(name, Map.of("model", model, "le", le))
        .orElseThrow(() -> new AssertionError("no " + name + " model=" + model + " le=" + le));
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + running.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static PrometheusScrape scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusScrape.parse(response.body());
  }

  private static String event(String id, String model, Map<String, Double> features) {
    ObjectNode event = JSON.createObjectNode();
    event.put("event_id", id);
    event.put("model", model);
    event.put("version", "1");
    ObjectNode values = event.putObject("features");
    features.forEach(values::put);
    return event.toString();
  }

  private static void send(KafkaProducer<String, String> producer, AppConfig config, String value) {
    producer.send(new ProducerRecord<>(config.stream().inputTopic(), value));
  }
}
