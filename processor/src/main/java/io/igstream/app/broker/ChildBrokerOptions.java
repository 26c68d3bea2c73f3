package io.igstream.app.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to start a {@link ChildProcessBroker}.
 *
 * @param port the client port, or 0 to pick a free one (or reuse the one a previous broker on the
 *     same data directory had)
 * @param dataDirectory where configuration, log and partitions live; {@code null} for a new
 *     temporary folder
 * @param deleteDataOnClose whether closing deletes the data directory; keep it to restart a broker
 *     on the same data
 * @param startupTimeout how long to wait for the broker to answer clients
 * @param stopGracePeriod how long a SIGTERM may take before the process is killed
 * @param maxHeap the child's {@code -Xmx} value, such as {@code 512m}
 * @param extraProperties broker properties that override or add to ours
 */
public record ChildBrokerOptions(
    int port,
    Path dataDirectory,
    boolean deleteDataOnClose,
    Duration startupTimeout,
    Duration stopGracePeriod,
    String maxHeap,
    Map<String, String> extraProperties) {

  public ChildBrokerOptions {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (pick one) or 1-65535, not " + port);
    }
    extraProperties = Map.copyOf(extraProperties);
  }

  /** A free port, a temporary data directory deleted on close, 60 s to start, 15 s to stop. */
  public static ChildBrokerOptions defaults() {
    return new ChildBrokerOptions(
        0, null, true, Duration.ofSeconds(60), Duration.ofSeconds(15), "512m", Map.of());
  }

  public ChildBrokerOptions withPort(int newPort) {
    return new ChildBrokerOptions(
        newPort,
        dataDirectory,
        deleteDataOnClose,
        startupTimeout,
        stopGracePeriod,
        maxHeap,
        extraProperties);
  }

  /** The same options on {@code directory}, deleted on close only if {@code deleteOnClose}. */
  public ChildBrokerOptions withDataDirectory(Path directory, boolean deleteOnClose) {
    return new ChildBrokerOptions(
        port, directory, deleteOnClose, startupTimeout, stopGracePeriod, maxHeap, extraProperties);
  }

  public ChildBrokerOptions withStartupTimeout(Duration timeout) {
    return new ChildBrokerOptions(
        port, dataDirectory, deleteDataOnClose, timeout, stopGracePeriod, maxHeap, extraProperties);
  }

  public ChildBrokerOptions withExtraProperties(Map<String, String> properties) {
    return new ChildBrokerOptions(
        port,
        dataDirectory,
        deleteDataOnClose,
        startupTimeout,
        stopGracePeriod,
        maxHeap,
        properties);
  }
}
