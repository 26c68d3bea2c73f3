package io.igstream.app;

import io.igstream.live.ViewSettings;
import io.igstream.stream.StreamSettings;
import io.igstream.stream.SummarySettings;
import io.igstream.tf.SessionSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The processor's configuration, built once: a properties file overridden by environment variables.
 * {@code igstream.*} keys are ours; every {@code kafka.*} key is passed to Kafka Streams and its
 * clients with the prefix removed (bootstrap servers, security, tuning).
 *
 * <p>An environment variable {@code IGSTREAM_BATCH_SIZE} overrides {@code igstream.batch.size};
 * {@code IGSTREAM_KAFKA_SASL_JAAS_CONFIG} sets {@code kafka.sasl.jaas.config}.
 */
public record AppConfig(
    Path modelRoot,
    StreamSettings stream,
    SummarySettings summaries,
    int modelCacheSize,
    int httpPort,
    boolean createTopics,
    int topicPartitions,
    short replicationFactor,
    SessionSettings tensorflow,
    ViewSettings view,
    Map<String, String> kafka) {

  static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("igstream.model.root", "models"),
          Map.entry("igstream.models.cache-size", "8"),
          Map.entry("igstream.topics.input", StreamSettings.DEFAULT_INPUT),
          Map.entry("igstream.topics.attributions", StreamSettings.DEFAULT_ATTRIBUTIONS),
          Map.entry("igstream.topics.dead-letters", StreamSettings.DEFAULT_DEAD_LETTERS),
          Map.entry("igstream.topics.batches", StreamSettings.DEFAULT_BATCHES),
          Map.entry("igstream.topics.create", "true"),
          Map.entry("igstream.topics.partitions", "4"),
          Map.entry("igstream.topics.replication-factor", "-1"),
          Map.entry("igstream.batch.size", "64"),
          Map.entry("igstream.batch.max-wait-ms", "1000"),
          Map.entry("igstream.batch.shards", "1"),
          Map.entry("igstream.sampling.default", "1.0"),
          Map.entry("igstream.http.port", "8080"),
          Map.entry("igstream.view.enabled", "true"),
          Map.entry("igstream.view.recent-events", "200"),
          Map.entry("igstream.view.history-ms", "900000"),
          Map.entry("igstream.summaries.enabled", "true"),
          Map.entry("igstream.topics.summaries", SummarySettings.DEFAULT_SUMMARIES),
          Map.entry("igstream.topics.alerts", SummarySettings.DEFAULT_ALERTS),
          Map.entry("igstream.topics.summary-partials", SummarySettings.DEFAULT_PARTIALS),
          Map.entry("igstream.summaries.window-ms", "3600000"),
          Map.entry("igstream.summaries.grace-ms", "300000"),
          Map.entry("igstream.summaries.merge-wait-ms", "60000"),
          Map.entry("igstream.summaries.min-events", "200"),
          Map.entry(SessionSettings.VISIBLE_DEVICES_KEY, ""),
          Map.entry(SessionSettings.ALLOW_GROWTH_KEY, "true"),
          Map.entry(SessionSettings.MEMORY_FRACTION_KEY, "0"),
          Map.entry(SessionSettings.XLA_KEY, "false"),
          Map.entry(SessionSettings.INTRA_OP_THREADS_KEY, "0"),
          Map.entry(SessionSettings.INTER_OP_THREADS_KEY, "0"),
          Map.entry(SessionSettings.CALLER_THREAD_RUNS_KEY, "true"),
          Map.entry("kafka.bootstrap.servers", "localhost:9092"),
          Map.entry("kafka.application.id", "igstream"));

  /** Keys that end in a model name: a setting for that model only. */
  static final java.util.List<String> PER_MODEL_PREFIXES =
      java.util.List.of("igstream.sampling.model.", "igstream.batch.shards.model.");

  /** Reads a file (may be null) and applies environment overrides. */
  public static AppConfig load(Path file, Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>(DEFAULTS);
    if (file != null) {
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read config " + file + ": " + e.getMessage(), e);
      }
      properties
          .stringPropertyNames()
          .forEach(k -> values.put(k, properties.getProperty(k).trim()));
    }
    environment.forEach(
        (name, value) -> {
          String key = keyOf(name, values);
          if (key != null) {
            values.put(key, value);
          }
        });
    return from(values);
  }

  /** The config key an environment variable sets, or null if it is not ours. */
  static String keyOf(String variable, Map<String, String> known) {
    if (!variable.startsWith("IGSTREAM_")) {
      return null;
    }
    if (variable.startsWith("IGSTREAM_KAFKA_")) {
      return "kafka."
          + variable
              .substring("IGSTREAM_KAFKA_".length())
              .toLowerCase(Locale.ROOT)
              .replace('_', '.');
    }
    for (String key : known.keySet()) {
      if (envName(key).equals(variable)) {
        return key;
      }
    }
    for (String perModel : PER_MODEL_PREFIXES) {
      String prefix = envName(perModel);
      if (variable.startsWith(prefix)) {
        return perModel + variable.substring(prefix.length()).toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static AppConfig from(Map<String, String> values) {
    Map<String, Double> sampling = new LinkedHashMap<>();
    Map<String, Integer> shards = new LinkedHashMap<>();
    Map<String, String> kafka = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith("igstream.sampling.model.")) {
            sampling.put(key.substring("igstream.sampling.model.".length()), number(key, value));
          } else if (key.startsWith("igstream.batch.shards.model.")) {
            shards.put(
                key.substring("igstream.batch.shards.model.".length()), integer(values, key));
          } else if (key.startsWith("kafka.")) {
            kafka.put(key.substring("kafka.".length()), value);
          }
        });
    StreamSettings stream =
        new StreamSettings(
            values.get("igstream.topics.input"),
            values.get("igstream.topics.attributions"),
            values.get("igstream.topics.dead-letters"),
            values.get("igstream.topics.batches"),
            integer(values, "igstream.batch.size"),
            Duration.ofMillis(integer(values, "igstream.batch.max-wait-ms")),
            integer(values, "igstream.batch.shards"),
            number("igstream.sampling.default", values.get("igstream.sampling.default")),
            sampling,
            shards);
    SummarySettings summaries =
        new SummarySettings(
            Boolean.parseBoolean(values.get("igstream.summaries.enabled")),
            values.get("igstream.topics.summaries"),
            values.get("igstream.topics.alerts"),
            values.get("igstream.topics.summary-partials"),
            Duration.ofMillis(longValue(values, "igstream.summaries.window-ms")),
            Duration.ofMillis(longValue(values, "igstream.summaries.grace-ms")),
            Duration.ofMillis(longValue(values, "igstream.summaries.merge-wait-ms")),
            longValue(values, "igstream.summaries.min-events"));
    return new AppConfig(
        Path.of(values.get("igstream.model.root")),
        stream,
        summaries,
        integer(values, "igstream.models.cache-size"),
        integer(values, "igstream.http.port"),
        Boolean.parseBoolean(values.get("igstream.topics.create")),
        integer(values, "igstream.topics.partitions"),
        (short) integer(values, "igstream.topics.replication-factor"),
        new SessionSettings(
            values.get(SessionSettings.VISIBLE_DEVICES_KEY),
            strictBoolean(values, SessionSettings.ALLOW_GROWTH_KEY),
            number(
                SessionSettings.MEMORY_FRACTION_KEY,
                values.get(SessionSettings.MEMORY_FRACTION_KEY)),
            strictBoolean(values, SessionSettings.XLA_KEY),
            integer(values, SessionSettings.INTRA_OP_THREADS_KEY),
            integer(values, SessionSettings.INTER_OP_THREADS_KEY),
            strictBoolean(values, SessionSettings.CALLER_THREAD_RUNS_KEY)),
        new ViewSettings(
            strictBoolean(values, "igstream.view.enabled"),
            integer(values, "igstream.view.recent-events"),
            Duration.ofMillis(longValue(values, "igstream.view.history-ms"))),
        Map.copyOf(kafka));
  }

  /** A typo in a switch (yes, ture) is an error rather than a silent false. */
  private static boolean strictBoolean(Map<String, String> values, String key) {
    String value = values.get(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          key + " must be true or false, got '" + values.get(key) + "'");
    }
    return Boolean.parseBoolean(value);
  }

  private static int integer(Map<String, String> values, String key) {
    try {
      return Integer.parseInt(values.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer, got '" + values.get(key) + "'", e);
    }
  }

  private static long longValue(Map<String, String> values, String key) {
    try {
      return Long.parseLong(values.get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer, got '" + values.get(key) + "'", e);
    }
  }

  private static double number(String key, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
    }
  }

  /** A copy with other summary settings (the demo uses short windows). */
  public AppConfig withSummaries(SummarySettings other) {
    return new AppConfig(
        modelRoot,
        stream,
        other,
        modelCacheSize,
        httpPort,
        createTopics,
        topicPartitions,
        replicationFactor,
        tensorflow,
        view,
        kafka);
  }

  /** A copy pointing at other brokers and a given model root (the demo and tests use it). */
  public AppConfig withBrokerAndModels(String bootstrapServers, Path models, String applicationId) {
    Map<String, String> kafkaCopy = new LinkedHashMap<>(kafka);
    kafkaCopy.put("bootstrap.servers", bootstrapServers);
    kafkaCopy.put("application.id", applicationId);
    return new AppConfig(
        models,
        stream,
        summaries,
        modelCacheSize,
        httpPort,
        createTopics,
        topicPartitions,
        replicationFactor,
        tensorflow,
        view,
        Map.copyOf(kafkaCopy));
  }
}
