package io.igstream.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.igstream.event.EventParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Serves the live view under {@code /view}: the page, its files, and the read-only JSON API ({@code
 * api/state}, {@code api/stream} as server-sent events, {@code api/event}). GET only.
 */
public final class ViewHandler implements HttpHandler {

  /** The path everything of the view lives under. */
  public static final String ROOT = "/view";

  static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";
  static final int MAX_EVENT_ID = 512;
  private static final long STREAM_PERIOD_MS = 1000;

  private final LiveView view;
  private final WebResources resources;

  public ViewHandler(LiveView view) {
    this.view = view;
    this.resources = new WebResources(ViewHandler.class.getClassLoader());
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        json(exchange, 405, Json.error("only GET is served here"));
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals(ROOT) || path.equals(ROOT + "/")) {
        file(exchange, resources.page("index.html"));
      } else if (path.startsWith(ROOT + "/static/")) {
        file(exchange, resources.page(path.substring((ROOT + "/static/").length())));
      } else if (path.startsWith(ROOT + "/webjars/")) {
        file(exchange, resources.webjar(path.substring((ROOT + "/webjars/").length())));
      } else if (path.equals(ROOT + "/api/state")) {
        state(exchange);
      } else if (path.equals(ROOT + "/api/stream")) {
        stream(exchange);
      } else if (path.equals(ROOT + "/api/event")) {
        event(exchange);
      } else {
        json(exchange, 404, Json.error("no such path under " + ROOT));
      }
    } finally {
      exchange.close();
    }
  }

  private void state(HttpExchange exchange) throws IOException {
    Optional<String> model = modelParameter(exchange);
    if (model == null) {
      return;
    }
    json(exchange, 200, view.state().snapshot(model.orElse(null), System.currentTimeMillis()));
  }

  private void stream(HttpExchange exchange) throws IOException {
    Optional<String> model = modelParameter(exchange);
    if (model == null) {
      return;
    }
    if (!view.tryOpenStream()) {
      json(exchange, 503, Json.error("too many open streams; at most " + LiveView.MAX_STREAMS));
      return;
    }
    try {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (!view.closed()) {
        String data =
            Json.MAPPER.writeValueAsString(
                view.state().snapshot(model.orElse(null), System.currentTimeMillis()));
        out.write(("event: state\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(STREAM_PERIOD_MS);
      }
    } catch (IOException e) {
      // The client went away: its slot is free again.
    } catch (InterruptedException e) {
      // The server is stopping.
      Thread.currentThread().interrupt();
    } finally {
      view.streamClosed();
    }
  }

  private void event(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange, Set.of("id"));
    if (query == null) {
      return;
    }
    String id = query.get("id");
    if (id == null || id.isEmpty()) {
      json(exchange, 400, Json.error("the id parameter is required"));
      return;
    }
    if (id.length() > MAX_EVENT_ID) {
      json(exchange, 400, Json.error("id is longer than " + MAX_EVENT_ID + " characters"));
      return;
    }
    Optional<? extends JsonNode> found = view.state().event(id);
    if (found.isPresent()) {
      json(exchange, 200, found.get());
    } else {
      json(exchange, 404, Json.error("no recent event with that id"));
    }
  }

  /** The optional model parameter; null when the request was refused (already answered). */
  @SuppressWarnings("OptionalAssignedToNull")
  private static Optional<String> modelParameter(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange, Set.of("model"));
    if (query == null) {
      return null;
    }
    String model = query.get("model");
    if (model != null && !EventParser.NAME.matcher(model).matches()) {
      json(
          exchange,
          400,
          Json.error(
              "model must be a model name: a letter or digit, then letters, digits, '_', '.' or"
                  + " '-', 128 characters at most"));
      return null;
    }
    return Optional.ofNullable(model);
  }

  /** The query's parameters, or null after answering 400 for unknown, repeated or bad ones. */
  private static Map<String, String> query(HttpExchange exchange, Set<String> allowed)
      throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name;
      String value;
      try {
        name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        json(exchange, 400, Json.error("the query is not properly percent-encoded"));
        return null;
      }
      if (!allowed.contains(name)) {
        json(exchange, 400, Json.error("unknown query parameter; allowed: " + allowed));
        return null;
      }
      if (out.put(name, value) != null) {
        json(exchange, 400, Json.error("query parameter given twice: " + name));
        return null;
      }
    }
    return out;
  }

  private static void file(HttpExchange exchange, Optional<WebResources.Resource> resource)
      throws IOException {
    if (resource.isEmpty()) {
      json(exchange, 404, Json.error("no such file"));
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", resource.get().contentType());
    exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    send(exchange, 200, resource.get().bytes());
  }

  private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IOException(e);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, status, bytes);
  }

  private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
