package io.igstream.app.broker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller in one process) running in a child JVM
 * started from this JVM's classpath; closing it, or this JVM exiting, stops it.
 */
public final class ChildProcessBroker implements KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcessBroker.class);
  private static final String LOG4J_CONFIG = "classpath:io/igstream/app/broker/broker-log4j2.xml";
  static final String SERVER_PROPERTIES = "server.properties";
  static final String LOG_FILE = "broker.log";

  private final Process process;
  private final DataDirectory dataDirectory;
  private final String bootstrapServers;
  private final Duration stopGracePeriod;
  private final Thread shutdownHook;
  private boolean closed;

  private ChildProcessBroker(
      Process process,
      DataDirectory dataDirectory,
      String bootstrapServers,
      Duration stopGracePeriod) {
    this.process = process;
    this.dataDirectory = dataDirectory;
    this.bootstrapServers = bootstrapServers;
    this.stopGracePeriod = stopGracePeriod;
    this.shutdownHook = new Thread(this::close, "stop-child-kafka-broker");
  }

  /** Starts a broker with {@link ChildBrokerOptions#defaults()}. */
  public static ChildProcessBroker start() {
    return start(ChildBrokerOptions.defaults());
  }

  /**
   * Formats storage (unless the data directory holds a formatted one), starts the broker and
   * returns once it serves clients.
   */
  public static ChildProcessBroker start(ChildBrokerOptions options) {
    long started = System.nanoTime();
    DataDirectory data = DataDirectory.open(options.dataDirectory(), options.deleteDataOnClose());
    try {
      Path properties = data.resolve(SERVER_PROPERTIES);
      Path log = data.resolve(LOG_FILE);
      CombinedNodeConfig config =
          new CombinedNodeConfig(
              ports(options, properties), data.resolve("kraft"), options.extraProperties());
      config.write(properties);
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      Process process = launch(options, properties, config.logDirectory(), log);
      ChildProcessBroker broker =
          new ChildProcessBroker(
              process, data, config.bootstrapServers(), options.stopGracePeriod());
      Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
      try {
        new BrokerReadiness(process, log, logStart, config.bootstrapServers())
            .await(options.startupTimeout());
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
      LOG.info(
          "Kafka broker ready at {} in {} ms (pid {}, data in {})",
          broker.bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          process.pid(),
          data.path());
      return broker;
    } catch (IOException e) {
      data.close();
      throw new BrokerStartException("cannot start the broker: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      data.close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker's process id, for tests that kill it. */
  public long pid() {
    return process.pid();
  }

  /** Where the configuration, {@code broker.log} and the partitions are. */
  public Path dataDirectory() {
    return dataDirectory.path();
  }

  public Path logFile() {
    return dataDirectory.resolve(LOG_FILE);
  }

  /** SIGTERM, a grace period for Kafka's controlled shutdown, then SIGKILL; deletes the data. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeShutdownHook();
    stopProcess();
    dataDirectory.close();
  }

  private void stopProcess() {
    process.destroy();
    try {
      if (!process.waitFor(stopGracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Kafka broker (pid {}) did not stop within {} ms of SIGTERM; killing it",
            process.pid(),
            stopGracePeriod.toMillis());
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // The JVM is already shutting down, or the hook was never added: nothing to undo.
    }
  }

  private static CombinedNodeConfig.Ports ports(ChildBrokerOptions options, Path properties) {
    // A restart on kept data reuses the controller port, which the metadata log recorded.
    return CombinedNodeConfig.previousPorts(properties)
        .filter(previous -> options.port() == 0 || options.port() == previous.broker())
        .orElseGet(
            () ->
                new CombinedNodeConfig.Ports(
                    options.port() == 0 ? FreePorts.pick() : options.port(), FreePorts.pick()));
  }

  private static Process launch(
      ChildBrokerOptions options, Path properties, Path logDirectory, Path log) throws IOException {
    JavaCommand java =
        JavaCommand.fromCurrentJvm(
            List.of(
                "-Xmx" + options.maxHeap(),
                "-Xms64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + LOG4J_CONFIG));
    List<String> command =
        java.run(
            ChildBrokerMain.class.getName(),
            List.of(
                Long.toString(ProcessHandle.current().pid()),
                properties.toString(),
                KraftStorage.clusterId(logDirectory)));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
        .start();
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
