package io.igstream.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of the live view for the benchmark: reads {@code /view/api/stream} on its own thread as
 * a browser would, so that the view's cost while watched is measured.
 */
final class ViewClient implements AutoCloseable {

  private final InputStream body;
  private final Thread reader;
  private final AtomicLong states = new AtomicLong();

  private ViewClient(InputStream body) {
    this.body = body;
    this.reader = new Thread(this::read, "igstream-bench-view-client");
    reader.setDaemon(true);
    reader.start();
  }

  static ViewClient watch(int port) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/view/api/stream"))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("the live view's stream answered " + response.statusCode());
    }
    return new ViewClient(response.body());
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("data: ")) {
          states.incrementAndGet();
        }
      }
    } catch (IOException e) {
      // Closed by close(), or the processor stopped.
    }
  }

  long states() {
    return states.get();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    body.close();
    reader.join(5_000);
  }
}
