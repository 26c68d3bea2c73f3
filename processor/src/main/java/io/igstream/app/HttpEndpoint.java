package io.igstream.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.igstream.live.LiveView;
import io.igstream.live.ViewHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The processor's HTTP endpoint: {@code /live} and {@code /ready} for orchestrators' probes (see
 * {@link StreamProbes}), {@code /health} (200 while the stream runs or rebalances, kept for simple
 * checks), {@code /metrics} in Prometheus' text format and the live view under {@code /view}. The
 * JDK's own server is enough for read-only paths.
 */
final class HttpEndpoint implements AutoCloseable {

  /** The paths served; manifests' probes and scrape annotations are checked against them. */
  enum Route {
    LIVE("/live"),
    READY("/ready"),
    HEALTH("/health"),
    METRICS("/metrics"),
    /** The live view: its page, files and JSON API under this prefix (see {@link ViewHandler}). */
    VIEW(ViewHandler.ROOT);

    final String path;

    Route(String path) {
      this.path = path;
    }
  }

  /**
   * Threads for requests other than the view's event streams: probes and scrapes must find one free
   * even with every stream open.
   */
  private static final int SHORT_REQUEST_THREADS = 4;

  private final HttpServer server;
  private final ExecutorService executor;

  /** Without the live view. */
  HttpEndpoint(
      int port, BooleanSupplier healthy, StreamProbes probes, PrometheusMeterRegistry metrics)
      throws IOException {
    this(port, healthy, probes, metrics, null);
  }

  /**
   * @param view the live view, or null when it is off ({@code /view} then answers 404)
   */
  HttpEndpoint(
      int port,
      BooleanSupplier healthy,
      StreamProbes probes,
      PrometheusMeterRegistry metrics,
      LiveView view)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    // The JDK server's default is the dispatcher thread alone, which one event stream would hold
    // for good. A fixed pool, sized so that all streams together leave threads for the rest.
    int threads = SHORT_REQUEST_THREADS + (view == null ? 0 : LiveView.MAX_STREAMS);
    executor =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "igstream-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
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
            case VIEW ->
                view != null
                    ? new ViewHandler(view)
                    : exchange ->
                        respond(
                            exchange,
                            404,
                            "the live view is off (igstream.view.enabled=false)\n",
                            "text/plain");
          };
      // The view serves a tree of paths below its prefix and checks them itself.
      server.createContext(
          route.path, route == Route.VIEW ? handler : exactly(route.path, handler));
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
    // Interrupts event streams still sleeping between two states.
    executor.shutdownNow();
  }
}
