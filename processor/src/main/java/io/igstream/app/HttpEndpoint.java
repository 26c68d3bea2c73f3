package io.igstream.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The processor's HTTP endpoint: {@code /live} and {@code /ready} for orchestrators' probes (see
 * {@link StreamProbes}), {@code /health} (200 while the stream runs or rebalances, kept for simple
 * checks) and {@code /metrics} in Prometheus' text format. The JDK's own server is enough for
 * read-only paths.
 */
final class HttpEndpoint implements AutoCloseable {

  /** The paths served; manifests' probes and scrape annotations are checked against them. */
  enum Route {
    LIVE("/live"),
    READY("/ready"),
    HEALTH("/health"),
    METRICS("/metrics");

    final String path;

    Route(String path) {
      this.path = path;
    }
  }

  private final HttpServer server;

  HttpEndpoint(
      int port, BooleanSupplier healthy, StreamProbes probes, PrometheusMeterRegistry metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    for (Route route : Route.values()) {
      HttpHandler handler =
          switch (route) {
            case LIVE -> exchange -> verdict(exchange, probes.live());
            case READY -> exchange -> verdict(exchange, probes.ready());
            case HEALTH ->
                exchange ->
                    respond(
                        exchange,
                        healthy.getAsBoolean() ? 200 : 503,
                        healthy.getAsBoolean() ? "ok\n" : "not running\n",
                        "text/plain");
            case METRICS ->
                exchange ->
                    respond(
                        exchange,
                        200,
                        metrics.scrape(),
                        "text/plain; version=0.0.4; charset=utf-8");
          };
      server.createContext(route.path, exactly(route.path, handler));
    }
    server.start();
  }

  /**
   * The JDK server matches contexts by prefix; a probe pointed at a misspelt path such as {@code
   * /readyz} must get 404 rather than a verdict.
   */
  private static HttpHandler exactly(String path, HttpHandler handler) {
    return exchange -> {
      if (exchange.getRequestURI().getPath().equals(path)) {
        handler.handle(exchange);
      } else {
        respond(exchange, 404, "no such path; served: " + servedPaths() + "\n", "text/plain");
      }
    };
  }

  static List<String> servedPaths() {
    return Arrays.stream(Route.values()).map(r -> r.path).toList();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void verdict(HttpExchange exchange, StreamProbes.Verdict verdict)
      throws IOException {
    respond(exchange, verdict.ok() ? 200 : 503, verdict.reason() + "\n", "text/plain");
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
