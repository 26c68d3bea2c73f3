package io.igstream.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reports the igstream version and the versions of the runtimes it was built against. */
public final class VersionProvider implements IVersionProvider {

  static final String RESOURCE = "/igstream-version.properties";

  @Override
  public String[] getVersion() {
    Properties properties = load();
    return new String[] {
      "igstream " + properties.getProperty("version", "unknown"),
      "TensorFlow Java "
          + properties.getProperty("tensorflow", "unknown")
          + " (native build "
          + properties.getProperty("tensorflow.native", "unknown")
          + ")",
      "Kafka " + properties.getProperty("kafka", "unknown"),
      "Java " + Runtime.version()
    };
  }

  private static Properties load() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return properties;
  }
}
