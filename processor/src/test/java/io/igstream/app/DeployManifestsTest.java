package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.testing.Fixtures;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests and the compose file agree with the code: configuration keys, variable
 * names, ports, probe paths, image names, replica limits. A real mistake in a real manifest is
 * reported.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Fixtures.repositoryRoot().resolve("deploy");

  @TempDir Path dir;

  private static List<DeployChecks.Doc> manifests() throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      List<DeployChecks.Doc> docs = new ArrayList<>();
      files
          .filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .forEach(p -> docs.addAll(DeployChecks.read(p)));
      return docs;
    }
  }

  private static DeployChecks checks() {
    List<String> problems = new ArrayList<>();
    DeployChecks checks = new DeployChecks(DEPLOY, problems);
    assertThat(problems).as("Dockerfile headers").isEmpty();
    return checks;
  }

  @Test
  void everyManifestFitsTheCode() throws IOException {
    List<DeployChecks.Doc> docs = manifests();
    assertThat(docs)
        .extracting(DeployChecks.Doc::kind)
        .contains(
            "ConfigMap",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "ScaledObject",
            "HorizontalPodAutoscaler",
            "PersistentVolumeClaim");
    assertThat(checks().kubernetes(docs)).isEmpty();
  }

  @Test
  void thereIsACpuAndAGpuVariant() throws IOException {
    DeployChecks checks = checks();
    assertThat(checks.cpuImage()).isEqualTo("igstream:latest");
    assertThat(checks.gpuImage()).isEqualTo("igstream:gpu");
    assertThat(manifests())
        .filteredOn(d -> d.kind().equals("Deployment"))
        .extracting(d -> d.node().at("/spec/template/spec/containers/0/image").asText())
        .containsExactlyInAnyOrder(checks.cpuImage(), checks.gpuImage());
  }

  @Test
  void composeFitsTheCode() {
    assertThat(
            checks().compose(DEPLOY.resolve("compose.yaml"), DEPLOY.resolve("igstream.properties")))
        .isEmpty();
  }

  @Test
  void composeMistakesAreReported() throws IOException {
    String compose = Files.readString(DEPLOY.resolve("compose.yaml"));
    Path misspelt = dir.resolve("compose.yaml");
    Files.writeString(
        misspelt,
        compose
            .replace("IGSTREAM_TF_GPU_ALLOW_GROWTH", "IGSTREAM_TF_GPU_ALLOW_GROWT")
            .replace("image: igstream:latest", "image: igstream:cpu")
            .replace("\"8080:8080\"", "\"8080:9090\""));
    assertThat(checks().compose(misspelt, DEPLOY.resolve("igstream.properties")))
        .anySatisfy(p -> assertThat(p).contains("IGSTREAM_TF_GPU_ALLOW_GROWT"))
        .anySatisfy(p -> assertThat(p).contains("as igstream:cpu, not igstream:latest"))
        .anySatisfy(p -> assertThat(p).contains("service igstream: publishes no port"));
  }

  @Test
  void theProbedPathsAnswerOverRealHttpAndAMisspeltOneDoesNot() throws Exception {
    Set<String> probed = new LinkedHashSet<>();
    for (DeployChecks.Doc doc : manifests()) {
      if (doc.kind().equals("Deployment")) {
        JsonNode container = doc.node().at("/spec/template/spec/containers/0");
        probed.add(container.at("/readinessProbe/httpGet/path").asText());
        probed.add(container.at("/livenessProbe/httpGet/path").asText());
      }
      if (doc.kind().equals("Service")) {
        probed.add(doc.node().at("/metadata/annotations").path("prometheus.io/path").asText());
      }
    }
    assertThat(probed).containsExactlyInAnyOrder("/ready", "/live", "/metrics");
    StreamProbes probes = new StreamProbes(dir, Duration.ofSeconds(30), System::currentTimeMillis);
    HttpClient client = HttpClient.newHttpClient();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HttpEndpoint endpoint = new HttpEndpoint(0, () -> false, probes, registry)) {
      for (String path : probed) {
        // 503 is a verdict (the stream is not running here); only 404 means nobody serves it.
        assertThat(status(client, endpoint, path)).as(path).isIn(200, 503);
      }
      assertThat(status(client, endpoint, "/readyz")).isEqualTo(404);
    } finally {
      registry.close();
    }
  }

  private static int status(HttpClient client, HttpEndpoint endpoint, String path)
      throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The real manifests with one mistake made in the first document of a kind in a file. */
  private static List<String> problemsAfter(String file, String kind, Consumer<ObjectNode> mistake)
      throws IOException {
    List<DeployChecks.Doc> docs = manifests();
    DeployChecks.Doc target =
        docs.stream()
            .filter(d -> d.file().equals(file) && d.kind().equals(kind))
            .findFirst()
            .orElseThrow();
    mistake.accept((ObjectNode) target.node());
    return checks().kubernetes(docs);
  }

  private static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode) deployment.at("/spec/template/spec/containers/0");
  }

  @Test
  void aMisspeltVariableIsReported() throws IOException {
    assertThat(
            problemsAfter(
                "igstream-gpu.yaml",
                "Deployment",
                d ->
                    ((ObjectNode) container(d).path("env").path(1))
                        .put("name", "IGSTREAM_TF_GPU_ALOW_GROWTH")))
        .anySatisfy(p -> assertThat(p).contains("IGSTREAM_TF_GPU_ALOW_GROWTH"));
    assertThat(DeployChecks.variableProblems("x", "IGSTREAM_TF_GPU_ALLOW_GROWTH")).isEmpty();
    assertThat(DeployChecks.variableProblems("x", "IGSTREAM_BATCH_SIZ")).hasSize(1);
  }

  @Test
  void otherRealMistakesAreReported() throws IOException {
    assertThat(
            problemsAfter(
                "igstream.yaml",
                "ConfigMap",
                c ->
                    ((ObjectNode) c.path("data"))
                        .put("igstream.properties", "igstream.batch.sise=8\n")))
        .anySatisfy(p -> assertThat(p).contains("unknown key igstream.batch.sise"));
    assertThat(
            problemsAfter(
                "igstream.yaml",
                "Deployment",
                d -> ((ObjectNode) container(d).path("ports").path(0)).put("containerPort", 9090)))
        .anySatisfy(p -> assertThat(p).contains("igstream.http.port (8080)"));
    assertThat(
            problemsAfter(
                "igstream.yaml",
                "Deployment",
                d ->
                    ((ObjectNode) container(d).at("/readinessProbe/httpGet")).put("path", "/live")))
        .anySatisfy(p -> assertThat(p).contains("readinessProbe must get /ready"));
    assertThat(
            problemsAfter(
                "igstream.yaml", "Deployment", d -> container(d).put("image", "igstream")))
        .anySatisfy(p -> assertThat(p).contains("image igstream is not igstream:latest"));
    assertThat(
            problemsAfter(
                "igstream-gpu.yaml",
                "Deployment",
                d -> ((ObjectNode) container(d).at("/resources/limits")).remove("nvidia.com/gpu")))
        .anySatisfy(p -> assertThat(p).contains("must request nvidia.com/gpu"));
    assertThat(
            problemsAfter(
                "igstream-keda.yaml",
                "ScaledObject",
                s -> ((ObjectNode) s.path("spec")).put("maxReplicaCount", 8)))
        .anySatisfy(p -> assertThat(p).contains("partitions (4)").contains("scales to 8"));
    assertThat(
            problemsAfter(
                "igstream-keda.yaml",
                "ScaledObject",
                s ->
                    ((ObjectNode) ((ArrayNode) s.at("/spec/triggers")).get(0).path("metadata"))
                        .put("consumerGroup", "igstream-app")))
        .anySatisfy(p -> assertThat(p).contains("consumerGroup must be kafka.application.id"));
    assertThat(
            problemsAfter(
                "igstream-keda.yaml",
                "ScaledObject",
                s ->
                    ((ObjectNode) ((ArrayNode) s.at("/spec/triggers")).get(0).path("metadata"))
                        .put("topic", "igstream.predictions")))
        .anySatisfy(p -> assertThat(p).contains("no trigger on igstream.topics.batches"));
    assertThat(
            problemsAfter(
                "igstream.yaml",
                "PodDisruptionBudget",
                b -> ((ObjectNode) b.at("/spec/selector/matchLabels")).put("app", "igstrem")))
        .anySatisfy(p -> assertThat(p).contains("PodDisruptionBudget igstream: its selector"));
  }
}
