package io.igstream.app.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * Formats a node's log directory with Kafka's own {@code StorageTool}, as a standalone KRaft quorum
 * of one voter; a directory formatted by an earlier run is left as it is. Runs in the broker's
 * child JVM, just before the broker, which saves starting a JVM for the tool alone.
 */
final class KraftStorage {

  private static final String STORAGE_TOOL = "kafka.tools.StorageTool";

  private KraftStorage() {}

  /**
   * The cluster id the storage under {@code logDirectory} was formatted with, or a new one: a
   * restart must present the same id or the tool refuses the directory.
   */
  static String clusterId(Path logDirectory) {
    Path meta = logDirectory.resolve("meta.properties");
    if (Files.isRegularFile(meta)) {
      Properties properties = new Properties();
      try (Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + meta + "; delete the data directory", e);
      }
      String id = properties.getProperty("cluster.id");
      if (id != null && !id.isBlank()) {
        return id;
      }
    }
    return Uuid.randomUuid().toString();
  }

  /** Returns the tool's exit code: 0 when the directory is formatted (now or before). */
  static int format(String serverProperties, String clusterId) throws ReflectiveOperationException {
    String[] args = {
      "format",
      "--standalone",
      "--ignore-formatted",
      "--cluster-id",
      clusterId,
      "--config",
      serverProperties
    };
    try {
      // execute, unlike main, returns the exit code instead of exiting the JVM.
      return (int)
          Class.forName(STORAGE_TOOL)
              .getMethod("execute", String[].class, java.io.PrintStream.class)
              .invoke(null, args, System.out);
    } catch (InvocationTargetException e) {
      // The tool reports bad configuration or a foreign cluster by throwing; say it and fail.
      System.out.println(
          "formatting " + serverProperties + " failed: " + e.getCause().getMessage());
      return 1;
    }
  }
}
