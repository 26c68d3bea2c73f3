package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.igstream.app.broker.KafkaBroker;
import io.igstream.testing.ModelRoots;
import io.igstream.testing.TestBrokers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `igstream run` serves over real HTTP: health for probes and Prometheus metrics. */
class RunningProcessorTest {

  @TempDir Path work;

  private static HttpResponse<String> get(HttpClient http, RunCommand.Running running, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + running.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHealthAndMetricsWhileItProcesses() throws Exception {
    try (KafkaBroker broker = TestBrokers.start()) {
      Path models = work.resolve("models");
      ModelRoots.deploy(models, "linear", "linear", "1");
      AppConfig config =
          AppConfig.load(
                  null,
                  Map.of(
                      "IGSTREAM_HTTP_PORT", "0",
                      "IGSTREAM_BATCH_MAX_WAIT_MS", "200",
                      "IGSTREAM_TOPICS_PARTITIONS", "1",
                      "IGSTREAM_KAFKA_STATE_DIR", work.resolve("state").toString()))
              .withBrokerAndModels(broker.bootstrapServers(), models, "http-test");
      try (RunCommand.Running running = RunCommand.Running.start(config)) {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://localhost:" + running.httpPort() + "/health");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    http.send(
                                HttpRequest.newBuilder(health).build(),
                                HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                        == 200);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer =
            new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
          producer.send(
              new ProducerRecord<>(
                  config.stream().inputTopic(),
                  "a",
                  "{\"event_id\":\"a\",\"model\":\"linear\",\"version\":\"1\",\"inputs\":{\"x\":[1,2,3]}}"));
          producer.send(new ProducerRecord<>(config.stream().inputTopic(), "b", "not json"));
        }
        URI metrics = URI.create("http://localhost:" + running.httpPort() + "/metrics");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  HttpResponse<String> response =
                      http.send(
                          HttpRequest.newBuilder(metrics).build(),
                          HttpResponse.BodyHandlers.ofString());
                  assertThat(response.statusCode()).isEqualTo(200);
                  assertThat(response.body())
                      .contains("igstream_events_consumed_total 2.0")
                      .contains("igstream_events_explained_total 1.0")
                      .contains("igstream_events_dead_lettered_total{stage=\"parse\"} 1.0")
                      // Kafka Streams' own metrics, bound by Micrometer's binder.
                      .contains("kafka_stream_thread_process_total")
                      .contains("kafka_consumer_fetch_manager_records_consumed_total");
                });

        // Readiness follows the model root; liveness does not.
        assertThat(get(http, running, "/live").statusCode()).isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get(http, running, "/ready").statusCode() == 200);
        Path away = work.resolve("models-away");
        java.nio.file.Files.move(models, away);
        HttpResponse<String> notReady = get(http, running, "/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("model root");
        // The same verdict as a number on /metrics, for alert rules.
        assertThat(get(http, running, "/metrics").body()).contains("\nigstream_ready 0.0\n");
        assertThat(get(http, running, "/live").statusCode()).isEqualTo(200);
        java.nio.file.Files.move(away, models);
        assertThat(get(http, running, "/ready").statusCode()).isEqualTo(200);
        assertThat(get(http, running, "/metrics").body()).contains("\nigstream_ready 1.0\n");

        // A stopped stream is not live: the orchestrator restarts the process.
        running.app.close();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get(http, running, "/live").statusCode() == 503);
        assertThat(get(http, running, "/ready").statusCode()).isEqualTo(503);
      }
    }
  }
}
