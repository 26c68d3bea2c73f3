package io.igstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.broker.ChildProcessBroker;
import io.igstream.app.broker.KafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code igstream demo}: the whole product on one machine. Starts a real single-node Kafka broker
 * (unless one is given), runs the stream on the bundled fixture models, produces prediction events
 * from their data sets (a few of them bad), and shows what arrives; at the end it accounts for
 * every event produced.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs igstream end to end on this machine: a real Kafka broker (started here unless --bootstrap-servers is given), the bundled fixture models, a stream of prediction events with a few bad ones, live attributions and dead letters, and totals at the end.")
public final class DemoCommand implements Callable<Integer> {

  /** Fixture models the demo streams; digits_gru is refused on purpose (recurrent, no gradient). */
  static final List<String> MODELS =
      List.of(
          "breast_cancer",
          "diabetes",
          "digits_cnn",
          "text_sentiment",
          "multi_input",
          "digits_gru_gradsig",
          "digits_gru");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to produce events (e.g. 30s, 2m; default 60s). Ctrl-C stops early.")
  Duration duration;

  @Option(names = "--rate", defaultValue = "60", description = "Events per second (default 60).")
  int rate;

  @Option(
      names = "--window",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "Summary window (event time; default 15s, production default 1h).")
  Duration window;

  @Option(
      names = "--drift-after",
      converter = DurationConverter.class,
      description =
          "When to inject a drift (diabetes' bmi moves up by about 2 standard deviations; default: after 40% of --duration).")
  Duration driftAfter;

  @Option(names = "--bootstrap-servers", description = "Use these brokers instead of starting one.")
  String bootstrapServers;

  @Option(names = "--fixtures", description = "Fixture zoo (default: fixtures/ of this checkout).")
  Path fixtures;

  @Option(names = "--quiet", description = "Print only the summary lines and the totals.")
  boolean quiet;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description =
          "Processor instances sharing the work under one application id, as several pods would (default 1).")
  int instances;

  @Option(
      names = "--http-port",
      defaultValue = "0",
      description =
          "HTTP port of the first instance's /metrics, /ready, /live and live view /view (default 0: a free port; the others take free ports).")
  int httpPort;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path root =
        fixtures != null
            ? fixtures
            : Path.of(System.getProperty("igstream.home", ".")).resolve("fixtures");
    DemoSamples samples = new DemoSamples(root, MODELS);
    Path state = Files.createTempDirectory("igstream-demo-state");
    String runId = UUID.randomUUID().toString().substring(0, 8);
    KafkaBroker broker = null;
    try {
      String servers = bootstrapServers;
      if (servers == null) {
        out.println(
            "Starting a single-node Kafka broker (KRaft, Kafka's own server from Maven Central)...");
        out.flush();
        broker = ChildProcessBroker.start();
        servers = broker.bootstrapServers();
      }
      out.println("Kafka at " + servers + "; models from " + root.resolve("models"));
      Map<String, String> env = RunTopics.prefixed("igstream-demo-" + runId);
      String[] pairs = {
        "IGSTREAM_SUMMARIES_WINDOW_MS",
        String.valueOf(window.toMillis()),
        "IGSTREAM_SUMMARIES_GRACE_MS",
        "2000",
        "IGSTREAM_SUMMARIES_MERGE_WAIT_MS",
        "3000",
        // A short window holds ~100 events per model: judge them, knowing the
        // noise floor is higher than at the production minimum of 200.
        "IGSTREAM_SUMMARIES_MIN_EVENTS",
        "60",
        "IGSTREAM_BATCH_SIZE",
        "32",
        "IGSTREAM_BATCH_MAX_WAIT_MS",
        "500",
        "IGSTREAM_KAFKA_COMMIT_INTERVAL_MS",
        "200"
      };
      for (int i = 0; i < pairs.length; i += 2) {
        env.put(pairs[i], pairs[i + 1]);
      }
      if (instances < 1) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--instances must be at least 1");
      }
      List<RunCommand.Running> running = new java.util.ArrayList<>();
      AppConfig config = null;
      try {
        for (int i = 0; i < instances; i++) {
          // One application id, and per instance what pods have of their own: state and a port.
          env.put("IGSTREAM_KAFKA_STATE_DIR", state.resolve("instance-" + (i + 1)).toString());
          env.put("IGSTREAM_HTTP_PORT", String.valueOf(i == 0 ? httpPort : 0));
          // One live view is enough to watch: every instance's would show the same topics.
          env.put("IGSTREAM_VIEW_ENABLED", String.valueOf(i == 0));
          AppConfig instance =
              AppConfig.load(null, env)
                  .withBrokerAndModels(servers, root.resolve("models"), "igstream-demo-" + runId);
          config = config == null ? instance : config;
          running.add(RunCommand.Running.start(instance));
          out.println(
              "instance "
                  + (i + 1)
                  + ": metrics at http://localhost:"
                  + running.get(i).httpPort()
                  + "/metrics (probes /ready, /live)");
          if (i == 0 && running.get(i).view != null) {
            out.println("live view at http://localhost:" + running.get(i).httpPort() + "/view");
          }
        }
        return stream(out, config, servers, samples, running);
      } finally {
        for (RunCommand.Running r : running) {
          r.close();
        }
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      deleteTree(state);
    }
  }

  private int stream(
      PrintWriter out,
      AppConfig config,
      String servers,
      DemoSamples samples,
      List<RunCommand.Running> running)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean interrupted = new AtomicBoolean();
    java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
    // Ctrl-C: stop at once and give the totals a moment to print before the JVM halts.
    Thread interrupt =
        new Thread(
            () -> {
              interrupted.set(true);
              stop.set(true);
              try {
                reported.await(10, java.util.concurrent.TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(interrupt);
    Set<String> produced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // Dead letters of unreadable events carry no id: they are matched back by their payload.
    Map<String, String> idByPayload = new java.util.concurrent.ConcurrentHashMap<>();
    Set<String> explained = new HashSet<>();
    Set<String> deadLettered = new HashSet<>();
    AtomicLong sent = new AtomicLong();
    long started = System.nanoTime();
    final long driftAt =
        started + (driftAfter != null ? driftAfter.toNanos() : duration.toNanos() * 2 / 5);
    boolean driftAnnounced = false;
    AtomicBoolean drifting = new AtomicBoolean();
    long summaries = 0;
    long alerts = 0;
    long summarised = 0;
    long accountedAt = 0;
    Thread producer =
        new Thread(
            () ->
                produce(
                    config,
                    servers,
                    samples,
                    produced,
                    idByPayload,
                    sent,
                    stop,
                    started,
                    driftAt,
                    drifting),
            "demo-producer");
    // Daemon, and joined with a bound: after Ctrl-C the broker may already be going away.
    producer.setDaemon(true);
    producer.start();
    long lastReport = System.nanoTime();
    long lastOutput = started;
    long deadline = started + duration.toNanos();
    try (KafkaConsumer<String, String> consumer = consumer(servers, config)) {
      while (true) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.summaries().summariesTopic())) {
            JsonNode summary = readJson(record.value());
            summaries++;
            summarised += summary.path("events").asLong() + summary.path("late_events").asLong();
            out.println(DemoLines.summary(summary));
            continue;
          }
          if (record.topic().equals(config.summaries().alertsTopic())) {
            alerts++;
            out.println(DemoLines.alert(readJson(record.value())));
            continue;
          }
          boolean dead = record.topic().equals(config.stream().deadLetterTopic());
          String id = record.key() != null ? record.key() : payloadId(record.value(), idByPayload);
          (dead ? deadLettered : explained).add(id);
          lastOutput = System.nanoTime();
          if (!quiet) {
            out.println(
                dead ? describeDeadLetter(record.value()) : describeAttribution(record.value()));
          }
        }
        long now = System.nanoTime();
        if (drifting.get() && !driftAnnounced) {
          out.println(
              "[drift] injected from now on: diabetes' bmi + 0.1 (about 2 training standard"
                  + " deviations); expect skew alerts on bmi in the next window");
          driftAnnounced = true;
        }
        if (now - lastReport > 5_000_000_000L) {
          lastReport = now;
          double seconds = (now - started) / 1e9;
          out.printf(
              Locale.ROOT,
              "-- %.0fs: produced %d, explained %d (%.1f/s), dead-lettered %d%n",
              seconds,
              sent.get(),
              explained.size(),
              explained.size() / seconds,
              deadLettered.size());
        }
        out.flush();
        if (interrupted.get()) {
          break;
        }
        boolean producing = producer.isAlive();
        if (!producing) {
          Set<String> accounted = new HashSet<>(explained);
          accounted.addAll(deadLettered);
          if (accounted.containsAll(produced) && accountedAt == 0) {
            accountedAt = now;
            out.println("-- every event is accounted for; waiting for the last windows to close");
          }
          // The last windows close a window and a grace period after their last event.
          boolean summariesDone =
              summarised >= explained.size()
                  || (accountedAt > 0 && now > accountedAt + window.toNanos() + 20_000_000_000L);
          if ((accountedAt > 0 && summariesDone) || now > deadline + 90_000_000_000L) {
            break;
          }
        }
        if (now > deadline || stop.get()) {
          stop.set(true);
        }
      }
    } finally {
      stop.set(true);
      producer.join(interrupted.get() ? 2_000 : 120_000);
      try {
        Runtime.getRuntime().removeShutdownHook(interrupt);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running already.
      }
    }
    Set<String> unaccounted = new HashSet<>(produced);
    unaccounted.removeAll(explained);
    unaccounted.removeAll(deadLettered);
    double seconds = (lastOutput - started) / 1e9;
    out.println();
    out.println("Totals");
    out.printf(Locale.ROOT, "  produced       %d%n", produced.size());
    out.printf(
        Locale.ROOT,
        "  explained      %d (%.1f/s)%n",
        explained.size(),
        explained.size() / seconds);
    out.printf(Locale.ROOT, "  dead-lettered  %d%n", deadLettered.size());
    out.printf(
        Locale.ROOT,
        "  summaries      %d (%d events in them, of %d explained), alerts %d%n",
        summaries,
        summarised,
        explained.size(),
        alerts);
    if (interrupted.get()) {
      // Stopped early: what has not come back yet is in flight, not lost.
      out.printf(Locale.ROOT, "  in flight      %d (stopped early)%n", unaccounted.size());
    } else {
      out.printf(Locale.ROOT, "  unaccounted    %d%n", unaccounted.size());
    }
    long batches = 0;
    double batched = 0;
    for (RunCommand.Running r : running) {
      var sizes = r.registry.find("igstream.batch.size").summary();
      batches += sizes == null ? 0 : sizes.count();
      batched += sizes == null ? 0 : sizes.totalAmount();
    }
    out.printf(
        Locale.ROOT,
        "  batches        %d (mean size %.1f)%n",
        batches,
        batches == 0 ? 0 : batched / batches);
    if (running.size() > 1) {
      for (int i = 0; i < running.size(); i++) {
        out.printf(
            Locale.ROOT,
            "  instance %d     explained %.0f, dead-lettered %.0f%n",
            i + 1,
            running.get(i).metrics.explainedCount(),
            running.get(i).metrics.deadLetteredCount());
      }
    }
    out.flush();
    reported.countDown();
    return unaccounted.isEmpty() || interrupted.get() ? 0 : 1;
  }

  private void produce(
      AppConfig config,
      String servers,
      DemoSamples samples,
      Set<String> produced,
      Map<String, String> idByPayload,
      AtomicLong sent,
      AtomicBoolean stop,
      long started,
      long driftAt,
      AtomicBoolean drifting) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // On partitions seconds old, Kafka 4.3's broker has answered NOT_LEADER_OR_FOLLOWER and then
    // refused the idempotent retry (OUT_OF_ORDER_SEQUENCE_NUMBER) until the batch expired, losing
    // it; one request in flight keeps the order without idempotence (seen in the tests' producers).
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      long n = 0;
      while (!stop.get()) {
        String id = "demo-" + n;
        if (System.nanoTime() >= driftAt) {
          drifting.set(true);
        }
        String value = eventText(samples, n, id, drifting.get());
        idByPayload.put(value, id);
        produced.add(id);
        producer.send(new ProducerRecord<>(config.stream().inputTopic(), id, value));
        sent.incrementAndGet();
        n++;
        long due = started + n * 1_000_000_000L / Math.max(1, rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      producer.flush();
    }
  }

  /** Every 25th event is broken in one of the ways production data breaks. */
  private String eventText(DemoSamples samples, long n, String id, boolean drifting) {
    if (n % 25 == 24) {
      return switch ((int) (n / 25 % 4)) {
        case 0 -> "{\"event_id\": \"" + id + "\", \"model\": \"breast_cancer\", truncated";
        case 1 ->
            "{\"event_id\":\""
                + id
                + "\",\"model\":\"no_such_model\",\"version\":\"1\",\"inputs\":{\"x\":[1]}}";
        case 2 ->
            "{\"event_id\":\""
                + id
                + "\",\"model\":\"diabetes\",\"version\":\"1\",\"inputs\":{\"features\":[1,2,3]}}";
        default ->
            "{\"event_id\":\""
                + id
                + "\",\"model\":\"breast_cancer\",\"version\":\"1\",\"inputs\":{\"features\":\"NaN\"}}";
      };
    }
    ObjectNode event = samples.event(n);
    if (drifting && event.path("model").asText().equals("diabetes") && event.has("features")) {
      ObjectNode features = (ObjectNode) event.get("features");
      features.put("bmi", features.path("bmi").asDouble() + 0.1);
    }
    event.put("event_id", id);
    event.put("event_time", java.time.Instant.now().toString());
    event.remove("label");
    return event.toString();
  }

  private JsonNode readJson(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }

  private String payloadId(String deadLetter, Map<String, String> idByPayload) {
    try {
      return idByPayload.getOrDefault(
          json.readTree(deadLetter).path("payload").asText(), "(unknown)");
    } catch (IOException e) {
      return "(unreadable)";
    }
  }

  private KafkaConsumer<String, String> consumer(String servers, AppConfig config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "igstream-demo-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(
        List.of(
            config.stream().attributionsTopic(),
            config.stream().deadLetterTopic(),
            config.summaries().summariesTopic(),
            config.summaries().alertsTopic()));
    return consumer;
  }

  /** An index as itself; a function target ({"contrast": [3, 5]}) as its compact JSON. */
  static String targetText(JsonNode target) {
    if (target == null || target.isNull()) {
      return "-";
    }
    return target.isValueNode() ? target.asText() : target.toString();
  }

  private String describeAttribution(String value) {
    try {
      JsonNode record = json.readTree(value);
      StringBuilder line = new StringBuilder();
      line.append(
          String.format(
              Locale.ROOT,
              "[attribution] %-18s v%s %-12s target=%s F(x)=%.4g F(b)=%.4g error=%.2f%%",
              record.get("model").asText(),
              record.get("version").asText(),
              record.get("event_id").asText(),
              targetText(record.get("target")),
              record.get("output_at_input").asDouble(),
              record.get("output_at_baseline").asDouble(),
              100 * record.path("approximation_error").asDouble(Double.NaN)));
      JsonNode top = record.get("top_features");
      if (top != null && !top.isEmpty()) {
        line.append(" top:");
        for (int i = 0; i < Math.min(3, top.size()); i++) {
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s %+.3g",
                  top.get(i).get("feature").asText(),
                  top.get(i).get("attribution").asDouble()));
        }
      }
      return line.toString();
    } catch (IOException e) {
      return "[attribution] " + value;
    }
  }

  private String describeDeadLetter(String value) {
    try {
      JsonNode record = json.readTree(value);
      String reason = record.get("error").get("reason").asText();
      return String.format(
          Locale.ROOT,
          "[dead-letter] %-12s stage=%s reason=%s",
          record.get("event_id").isNull() ? "(no id)" : record.get("event_id").asText(),
          record.get("error").get("stage").asText(),
          reason.length() > 160 ? reason.substring(0, 160) + "..." : reason);
    } catch (IOException e) {
      return "[dead-letter] " + value;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Parses 30s, 2m, 1h, or ISO-8601 (PT30S). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      if (text.startsWith("pt")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      long amount = Long.parseLong(text.replaceAll("[a-z]+$", ""));
      return switch (text.replaceAll("^[0-9]+", "")) {
        case "ms" -> Duration.ofMillis(amount);
        case "s", "" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default ->
            throw new IllegalArgumentException("use a duration like 30s, 2m or 1h, got " + value);
      };
    }
  }
}
