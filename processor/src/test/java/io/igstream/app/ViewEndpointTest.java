package io.igstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.igstream.live.LiveState;
import io.igstream.live.LiveView;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view's HTTP side without a broker: files from the classpath, off switch, stream endings. */
class ViewEndpointTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private PrometheusMeterRegistry registry;
  private StreamProbes probes;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    probes = new StreamProbes(dir, Duration.ofSeconds(30), System::currentTimeMillis);
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  @Test
  void webJarFilesComeFromTheClasspathWithTheirType() throws Exception {
    try (LiveView view = new LiveView(new LiveState(10, m -> 1.0), null);
        HttpEndpoint endpoint = new HttpEndpoint(0, () -> true, probes, registry, view)) {
      HttpResponse<String> lib = get(endpoint, "/view/webjars/testlib/1.0/lib.js");
      assertThat(lib.statusCode()).isEqualTo(200);
      assertThat(lib.headers().firstValue("Content-Type"))
          .hasValue("text/javascript; charset=utf-8");
      assertThat(lib.body()).contains("answer = 42");
      // The same file by any other spelling is not there.
      assertThat(get(endpoint, "/view/webjars/testlib/1.0/../1.0/lib.js").statusCode())
          .isEqualTo(404);
      assertThat(get(endpoint, "/view/webjars/testlib/1.0").statusCode()).isEqualTo(404);
      assertThat(get(endpoint, "/view/static/lib.js").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void withTheViewOffItsPathsAre404AndTheRestServes() throws Exception {
    try (HttpEndpoint endpoint = new HttpEndpoint(0, () -> true, probes, registry, null)) {
      assertThat(get(endpoint, "/view").statusCode()).isEqualTo(404);
      assertThat(get(endpoint, "/view/api/state").statusCode()).isEqualTo(404);
      assertThat(get(endpoint, "/metrics").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void streamsEndWhenTheProcessorStops() throws Exception {
    LiveView view = new LiveView(new LiveState(10, m -> 1.0), null);
    HttpEndpoint endpoint = new HttpEndpoint(0, () -> true, probes, registry, view);
    HttpResponse<InputStream> stream;
    try {
      stream =
          HTTP.send(
              HttpRequest.newBuilder(uri(endpoint, "/view/api/stream")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
    } finally {
      // As Running.close does: the endpoint, then the view.
      endpoint.close();
      view.close();
    }
    // Reading to the end must finish: the server closed the stream rather than leaving it open.
    CompletableFuture<Void> drained =
        CompletableFuture.runAsync(
            () -> {
              try (InputStream in = stream.body()) {
                in.readAllBytes();
              } catch (java.io.IOException e) {
                // A reset connection is an end too.
              }
            });
    drained.get(10, TimeUnit.SECONDS);
  }

  private static URI uri(HttpEndpoint endpoint, String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }

  private static HttpResponse<String> get(HttpEndpoint endpoint, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(endpoint, path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
