package io.igstream.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code igstream run} in a child JVM, as an operator runs it: stopped with SIGTERM or killed with
 * SIGKILL, probed and scraped over real HTTP once its log names the port it bound.
 */
public final class ProcessorProcess implements AutoCloseable {

  private static final Pattern HTTP_PORT = Pattern.compile("igstream running http_port=(\\d+)");

  private final String name;
  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();
  private int port = -1;

  private ProcessorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code igstream run --config config}; {@code environment} holds IGSTREAM_* overrides
   * (each instance on one machine needs its own state directory and HTTP port).
   */
  public static ProcessorProcess start(
      String name, Path config, Path log, Map<String, String> environment) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx1g",
            "--add-modules=jdk.incubator.foreign",
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
            "-cp",
            System.getProperty("java.class.path"),
            "io.igstream.app.Main",
            "run",
            "--config",
            config.toString());
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new ProcessorProcess(name, builder.start(), log);
  }

  public String name() {
    return name;
  }

  /** The HTTP port from the start-up log line, waiting for it up to {@code timeout}. */
  public int httpPort(Duration timeout) throws IOException, InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (port < 0) {
      Matcher m = HTTP_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      } else if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited before serving HTTP; see " + log);
      } else if (System.nanoTime() > until) {
        throw new IllegalStateException(name + " did not log its HTTP port; see " + log);
      } else {
        Thread.sleep(200);
      }
    }
    return port;
  }

  /** GET a path on the instance's HTTP endpoint. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort(Duration.ofMinutes(1)) + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of an unlabelled series in a scrape of {@code /metrics}, 0 when absent. */
  public double metric(String series) throws IOException, InterruptedException {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as Kubernetes stops a pod; returns whether it exited within {@code grace}. */
  public boolean terminate(Duration grace) throws InterruptedException {
    process.destroy();
    return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no shutdown hook, open transactions left to time out or be fenced. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
