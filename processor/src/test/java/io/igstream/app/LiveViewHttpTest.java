package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.broker.KafkaBroker;
import io.igstream.live.LiveView;
import io.igstream.testing.Fixtures;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.TestBrokers;
import io.igstream.testing.TestClients;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view of a real processor on a real broker, over real HTTP: what {@code /view/api/state}
 * shows equals what a read_committed consumer reads from the output topics; the event stream
 * delivers over a real connection; bad requests are refused.
 */
class LiveViewHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int GOOD_EVENTS = 100;
  private static final int UNKNOWN_MODEL_EVENTS = 3;
  private static final int UNREADABLE_EVENTS = 2;
  private static final long WINDOW_MS = 10_000;

  @TempDir static Path work;
  private static KafkaBroker broker;
  private static RunCommand.Running running;
  private static AppConfig config;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Records read back from the topics, independently of the view. */
  private static final List<JsonNode> attributions = new ArrayList<>();

  private static final List<JsonNode> deadLetters = new ArrayList<>();
  private static final List<JsonNode> summaries = new ArrayList<>();
  private static final List<JsonNode> alerts = new ArrayList<>();

  @BeforeAll
  static void runTraffic() throws Exception {
    broker = TestBrokers.start();
    Path models = work.resolve("models");
    // The fixture carries its version's training baseline, so the first window can raise skew.
    ModelRoots.deploy(models, "diabetes", "1", "diabetes", "1");
    String run = "live-" + UUID.randomUUID().toString().substring(0, 6);
    Map<String, String> env = RunTopics.prefixed(run);
    env.put("IGSTREAM_HTTP_PORT", "0");
    env.put("IGSTREAM_BATCH_SIZE", "10");
    env.put("IGSTREAM_BATCH_MAX_WAIT_MS", "1000");
    env.put("IGSTREAM_TOPICS_PARTITIONS", "1");
    env.put("IGSTREAM_SUMMARIES_WINDOW_MS", String.valueOf(WINDOW_MS));
    env.put("IGSTREAM_SUMMARIES_GRACE_MS", "1000");
    env.put("IGSTREAM_SUMMARIES_MERGE_WAIT_MS", "2000");
    env.put("IGSTREAM_SUMMARIES_MIN_EVENTS", "50");
    env.put("IGSTREAM_KAFKA_STATE_DIR", work.resolve("state").toString());
    config = AppConfig.load(null, env).withBrokerAndModels(broker.bootstrapServers(), models, run);
    running = RunCommand.Running.start(config);
    await().atMost(Duration.ofSeconds(90)).until(() -> get("/ready").statusCode() == 200);

    try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
      for (int i = 0; i < UNKNOWN_MODEL_EVENTS; i++) {
        send(producer, event("u" + i, "nosuch", Map.of("x", 1.0)));
      }
      for (int i = 0; i < UNREADABLE_EVENTS; i++) {
        send(producer, "not json " + i);
      }
      // The good events in one summary window of the wall clock, bmi moved by about two training
      // standard deviations so that the window raises a skew alert.
      while (System.currentTimeMillis() % WINDOW_MS > WINDOW_MS / 4) {
        Thread.sleep(50);
      }
      List<Map<String, Double>> rows =
          FeatureRows.read(Fixtures.root().resolve("data/diabetes.test.csv"));
      for (int i = 0; i < GOOD_EVENTS; i++) {
        Map<String, Double> row = new LinkedHashMap<>(rows.get(i % rows.size()));
        row.put("bmi", row.get("bmi") + 0.1);
        send(producer, event("g" + i, "diabetes", row));
      }
      producer.flush();
    }
    readBack();
  }

  /** Reads the output topics until the traffic's records and an alert are all there. */
  private static void readBack() throws Exception {
    try (KafkaConsumer<String, String> consumer =
        TestClients.consumer(
            broker.bootstrapServers(),
            "read_committed",
            config.stream().attributionsTopic(),
            config.stream().deadLetterTopic(),
            config.summaries().summariesTopic(),
            config.summaries().alertsTopic())) {
      long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < until
          && (attributions.size() < GOOD_EVENTS
              || deadLetters.size() < UNKNOWN_MODEL_EVENTS + UNREADABLE_EVENTS
              || alerts.isEmpty()
              || summaries.stream().noneMatch(s -> s.path("events").asLong() > 0))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
          JsonNode node = JSON.readTree(r.value());
          String topic = r.topic();
          if (topic.equals(config.stream().attributionsTopic())) {
            attributions.add(node);
          } else if (topic.equals(config.stream().deadLetterTopic())) {
            deadLetters.add(node);
          } else if (topic.equals(config.summaries().summariesTopic())) {
            summaries.add(node);
          } else {
            alerts.add(node);
          }
        }
      }
      // A little longer, so that nothing written late is missed by either side.
      long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < settle) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
          JsonNode node = JSON.readTree(r.value());
          if (r.topic().equals(config.summaries().summariesTopic())) {
            summaries.add(node);
          } else if (r.topic().equals(config.summaries().alertsTopic())) {
            alerts.add(node);
          } else if (r.topic().equals(config.stream().attributionsTopic())) {
            attributions.add(node);
          } else {
            deadLetters.add(node);
          }
        }
      }
    }
    assertThat(attributions).hasSize(GOOD_EVENTS);
    assertThat(alerts).isNotEmpty();
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
  void stateShowsWhatTheTopicsHold() throws Exception {
    // Expected from the topics: dead letters by model (null: unattributed) and stage.
    Map<String, Map<String, Long>> deadByModel = new TreeMap<>();
    for (JsonNode d : deadLetters) {
      String model = d.path("model").isTextual() ? d.path("model").asText() : "(none)";
      deadByModel
          .computeIfAbsent(model, m -> new TreeMap<>())
          .merge(d.path("error").path("stage").asText(), 1L, Long::sum);
    }
    assertThat(deadByModel.get("(none)")).containsEntry("parse", (long) UNREADABLE_EVENTS);
    JsonNode summary =
        summaries.stream()
            .filter(s -> s.path("events").asLong() > 0)
            .reduce((a, b) -> b)
            .orElseThrow();

    // The feed lags the stream a little: wait until the view has caught up, then compare.
    JsonNode state =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> JSON.readTree(get("/view/api/state").body()),
                s ->
                    version(s, "diabetes").path("explained").asLong() == attributions.size()
                        && version(s, "diabetes").path("alerts").size() == alerts.size()
                        && version(s, "diabetes")
                            .path("grid")
                            .path("windows")
                            .toString()
                            .contains(summary.path("window").path("start").asText()));
    JsonNode diabetes = version(state, "diabetes");
    assertThat(diabetes.path("explained").asLong()).isEqualTo(attributions.size());
    assertThat(diabetes.path("image").asBoolean()).isFalse();
    assertThat(diabetes.path("sampling").asDouble()).isEqualTo(1.0);
    assertThat(diabetes.path("approximation_error").path("mean").isNumber()).isTrue();
    assertThat(diabetes.path("latency_p95_ms").asDouble()).isPositive();
    assertThat(diabetes.path("events_per_second").asDouble()).isPositive();

    Map<String, Map<String, Long>> shown = new TreeMap<>();
    for (JsonNode v : state.path("versions")) {
      Map<String, Long> stages = new TreeMap<>();
      v.path("dead_lettered")
          .fields()
          .forEachRemaining(e -> stages.put(e.getKey(), e.getValue().asLong()));
      if (!stages.isEmpty()) {
        shown.put(v.path("model").asText(), stages);
      }
    }
    Map<String, Long> unattributed = new TreeMap<>();
    state
        .path("unattributed")
        .path("dead_lettered")
        .fields()
        .forEachRemaining(e -> unattributed.put(e.getKey(), e.getValue().asLong()));
    shown.put("(none)", unattributed);
    assertThat(shown).isEqualTo(deadByModel);

    // The bmi cell of the summary's window: the record's primary distance, score and status.
    JsonNode grid = diabetes.path("grid");
    int column = indexOf(grid.path("windows"), summary.path("window").path("start").asText());
    int row = indexOf(grid.path("features"), "bmi");
    JsonNode bmi = null;
    for (JsonNode f : summary.path("features")) {
      if (f.path("feature").asText().equals("bmi")) {
        bmi = f;
      }
    }
    assertThat(bmi).isNotNull();
    for (String comparison : List.of("skew", "drift")) {
      JsonNode cell = grid.path("value").get(row).get(column).path(comparison);
      JsonNode metric = bmi.path(comparison).path("value").path("jensen_shannon");
      String status =
          metric.isMissingNode()
              ? bmi.path(comparison).path("value").path("status").asText()
              : metric.path("status").asText();
      assertThat(cell.path("status").asText()).as(comparison).isEqualTo(status);
      if (metric.path("value").isNumber()) {
        assertThat(cell.path("score").asDouble()).isEqualTo(metric.path("value").asDouble());
      } else {
        assertThat(cell.path("score").isNull()).isTrue();
      }
    }
    assertThat(grid.path("value").get(row).get(column).path("skew").path("status").asText())
        .as("the shifted bmi's skew")
        .isEqualTo("ALERT");

    // Alerts: the records' sentences, newest first.
    Set<String> sentences = new HashSet<>();
    diabetes.path("alerts").forEach(a -> sentences.add(a.path("sentence").asText()));
    Set<String> messages = new HashSet<>();
    alerts.forEach(a -> messages.add(a.path("message").asText()));
    assertThat(sentences).isEqualTo(messages);
    JsonNode lastAlert = alerts.get(alerts.size() - 1);
    assertThat(diabetes.path("alerts").get(0).path("sentence").asText())
        .isEqualTo(lastAlert.path("message").asText());
    assertThat(diabetes.path("alerts").get(0).path("feature").asText())
        .isEqualTo(lastAlert.path("feature").asText());

    // Importance: the summary's shares.
    JsonNode importance = diabetes.path("importance").get(column);
    for (JsonNode f : summary.path("features")) {
      JsonNode share = null;
      for (JsonNode s : importance.path("features")) {
        if (s.path("feature").asText().equals(f.path("feature").asText())) {
          share = s;
        }
      }
      assertThat(share).as(f.path("feature").asText()).isNotNull();
      assertThat(share.path("share").asDouble())
          .isEqualTo(f.path("attribution").path("share").asDouble());
    }

    // Recent: newest first, at most the limit, and an event's detail is its record on the topic.
    assertThat(state.path("recent").size()).isLessThanOrEqualTo(200);
    JsonNode newest = state.path("recent").get(0);
    assertThat(newest.path("kind").asText()).isIn("attribution", "dead_letter");
    JsonNode last = attributions.get(attributions.size() - 1);
    HttpResponse<String> detail =
        get(
            "/view/api/event?id="
                + URLEncoder.encode(last.path("event_id").asText(), StandardCharsets.UTF_8));
    assertThat(detail.statusCode()).isEqualTo(200);
    JsonNode detailJson = JSON.readTree(detail.body());
    assertThat(detailJson.path("record")).isEqualTo(last);
    assertThat(detailJson.path("topic").asText()).isEqualTo(config.stream().attributionsTopic());
    assertThat(detailJson.path("input").isNull()).isTrue();

    // ?model= keeps that model only.
    JsonNode only = JSON.readTree(get("/view/api/state?model=nosuch").body());
    assertThat(only.path("versions")).hasSize(1);
    assertThat(only.path("recent"))
        .allSatisfy(e -> assertThat(e.path("model").asText()).isEqualTo("nosuch"));
  }

  @Test
  void jsonResponsesCarryTheirHeaders() throws Exception {
    HttpResponse<String> state = get("/view/api/state");
    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(state.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(state.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    JsonNode body = JSON.readTree(state.body());
    assertThat(body.path("view").path("recent_limit").asInt()).isEqualTo(200);
    assertThat(body.path("generated_at").asText()).endsWith("Z");

    HttpResponse<String> page = get("/view");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'");
    assertThat(page.body()).containsIgnoringCase("<html");
    assertThat(get("/view/").statusCode()).isEqualTo(200);
    assertThat(get("/view/static/index.html").body()).isEqualTo(page.body());
  }

  @Test
  void badRequestsAreRefused() throws Exception {
    for (String bad :
        List.of(
            "/view/api/state?model=..%2Fetc",
            "/view/api/state?model=-x",
            "/view/api/state?model=" + "a".repeat(129),
            "/view/api/state?foo=1",
            "/view/api/stream?model=%3Cscript%3E",
            "/view/api/event",
            "/view/api/event?id=" + "x".repeat(513),
            "/view/api/event?id=a&id=b")) {
      HttpResponse<String> response = get(bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).path("error").asText()).as(bad).isNotBlank();
    }
    assertThat(
            get("/view/api/event?id="
                    + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(404);
    for (String traversal :
        List.of(
            "/view/static/../../../../etc/passwd",
            "/view/static/..%2F..%2Fetc%2Fpasswd",
            "/view/static/%2e%2e/index.html",
            "/view/static/",
            "/view/static/io/igstream/live/web/index.html",
            "/view/static/LiveState.class",
            "/view/webjars/../../io/igstream/live/web/index.html",
            "/view/webjars/%2e%2e/%2e%2e/io/igstream/live/web/index.html",
            "/view/webjars/..",
            "/view/webjars/",
            "/view/webjars/a//b.js",
            "/view/nosuch")) {
      assertThat(get(traversal).statusCode()).as(traversal).isEqualTo(404);
    }
    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(uri("/view/api/state"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> delete =
        HTTP.send(
            HttpRequest.newBuilder(uri("/view")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(delete.statusCode()).isEqualTo(405);
  }

  @Test
  void streamsDeliverStatesAndAreBounded() throws Exception {
    List<InputStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < LiveView.MAX_STREAMS; i++) {
        HttpResponse<InputStream> response = stream("/view/api/stream");
        assertThat(response.statusCode()).as("stream %d", i + 1).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        open.add(response.body());
      }
      // A state event over a real connection, then another a second later.
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(open.get(0), StandardCharsets.UTF_8));
      List<JsonNode> states = new ArrayList<>();
      String line;
      String event = null;
      while (states.size() < 2 && (line = reader.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          assertThat(event).isEqualTo("state");
          states.add(JSON.readTree(line.substring("data: ".length())));
        }
      }
      assertThat(states).hasSize(2);
      assertThat(states.get(0).path("versions").isArray()).isTrue();
      assertThat(states.get(0).path("view").path("recent_limit").asInt()).isEqualTo(200);

      // All slots taken: the 17th is refused, and probes and scrapes still answer.
      HttpResponse<InputStream> refused = stream("/view/api/stream");
      assertThat(refused.statusCode()).isEqualTo(503);
      refused.body().close();
      assertThat(get("/ready").statusCode()).isEqualTo(200);
      assertThat(get("/metrics").statusCode()).isEqualTo(200);
      assertThat(get("/view/api/state").statusCode()).isEqualTo(200);
    } finally {
      for (InputStream in : open) {
        in.close();
      }
    }
    // Closed clients give their slots back (noticed on the next write, within a second or two).
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              HttpResponse<InputStream> again = stream("/view/api/stream");
              again.body().close();
              return again.statusCode() == 200;
            });
  }

  private static JsonNode version(JsonNode state, String model) {
    for (JsonNode v : state.path("versions")) {
      if (v.path("model").asText().equals(model)) {
        return v;
      }
    }
    return JSON.createObjectNode();
  }

  private static int indexOf(JsonNode array, String value) {
    for (int i = 0; i < array.size(); i++) {
      if (array.get(i).asText().equals(value)) {
        return i;
      }
    }
    throw new AssertionError(value + " not in " + array);
  }

  private static URI uri(String path) {
    return URI.create("http://localhost:" + running.httpPort() + path);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<InputStream> stream(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofInputStream());
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

  private static void send(KafkaProducer<String, String> producer, String value) {
    producer.send(new ProducerRecord<>(config.stream().inputTopic(), value));
  }
}
