package io.igstream.app.broker;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Waits until a starting broker process serves clients: first its log says so (no network traffic
 * while it boots), then an admin client sees the cluster.
 */
final class BrokerReadiness {

  static final String STARTED_MARKER = "Kafka Server started";
  private static final long POLL_MILLIS = 50;

  private final Process process;
  private final Path logFile;
  private final long logStart;
  private final String bootstrapServers;

  /** {@code logStart} is where this run's lines begin in a log that earlier runs appended to. */
  BrokerReadiness(Process process, Path logFile, long logStart, String bootstrapServers) {
    this.process = process;
    this.logFile = logFile;
    this.logStart = logStart;
    this.bootstrapServers = bootstrapServers;
  }

  /** Returns once the broker answers; throws, with the end of its log, if it dies or is late. */
  void await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    waitForLogMarker(deadline, timeout);
    waitForCluster(deadline, timeout);
  }

  private void waitForLogMarker(long deadline, Duration timeout) {
    long position = logStart;
    StringBuilder unread = new StringBuilder();
    while (true) {
      position = readNew(position, unread);
      if (unread.indexOf(STARTED_MARKER) >= 0) {
        return;
      }
      // Keep only enough to find a marker split across two reads.
      if (unread.length() > STARTED_MARKER.length()) {
        unread.delete(0, unread.length() - STARTED_MARKER.length());
      }
      failIfDeadOrLate(deadline, timeout);
      sleep();
    }
  }

  private void waitForCluster(long deadline, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
              .nodes()
              .get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          failIfDeadOrLate(deadline, timeout);
          sleep();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BrokerStartException("interrupted while waiting for the broker", e);
        }
      }
    }
  }

  private void failIfDeadOrLate(long deadline, Duration timeout) {
    if (!process.isAlive()) {
      throw new BrokerStartException(
          "the broker process exited with code "
              + process.exitValue()
              + " while starting; a port in use or a data directory of another cluster are the"
              + " usual causes. End of "
              + logFile
              + ":\n"
              + LogTail.of(logFile, 40));
    }
    if (System.nanoTime() > deadline) {
      throw new BrokerStartException(
          "the broker at "
              + bootstrapServers
              + " did not start within "
              + timeout.toMillis()
              + " ms; raise the startup timeout on a slow machine, or read "
              + logFile
              + ", which ends with:\n"
              + LogTail.of(logFile, 40));
    }
  }

  private long readNew(long position, StringBuilder into) {
    if (!Files.isRegularFile(logFile)) {
      return position;
    }
    try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = raf.length();
      if (length <= position) {
        return position;
      }
      byte[] bytes = new byte[(int) Math.min(length - position, 1 << 20)];
      raf.seek(position);
      raf.readFully(bytes);
      // ISO-8859-1 maps every byte to one char, so a multi-byte character cut in two does no harm.
      into.append(new String(bytes, StandardCharsets.ISO_8859_1));
      return position + bytes.length;
    } catch (IOException e) {
      return position;
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerStartException("interrupted while waiting for the broker", e);
    }
  }
}
