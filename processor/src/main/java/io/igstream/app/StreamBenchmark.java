package io.igstream.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.igstream.app.broker.ChildProcessBroker;
import io.igstream.app.broker.KafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end throughput through a real broker, two variants side by side (summaries off against on,
 * or one instance against several): the same events (tabular fixtures, where IG is cheapest and the
 * summaries' share of the work is largest) are produced first, then the stream explains them; the
 * rate is taken between the first and last attribution's timestamps, so start-up and model loading
 * do not count.
 */
final class StreamBenchmark {

  private static final List<String> MODELS = List.of("breast_cancer", "diabetes");

  private final Path fixtures;
  private final PrintWriter out;

  StreamBenchmark(Path fixtures, PrintWriter out) {
    this.fixtures = fixtures;
    this.out = out;
  }

  /**
   * One configuration measured: summaries on or off, how many instances share the work, and whether
   * the live view runs with a client watching it (its event stream read all along).
   */
  record Variant(String label, boolean summaries, int instances, boolean liveView) {

    Variant(String label, boolean summaries, int instances) {
      this(label, summaries, instances, false);
    }
  }

  /** Runs the two variants alternately, {@code rounds} times each, and prints their ratio. */
  int run(int events, int rounds, Variant first, Variant second) throws Exception {
    DemoSamples samples = new DemoSamples(fixtures, MODELS);
    out.println(
        "Each run starts its own single-node Kafka broker, so that runs do not inherit each"
            + " other's topics and load...");
    out.flush();
    Map<Variant, List<Double>> rates = new LinkedHashMap<>();
    rates.put(first, new ArrayList<>());
    rates.put(second, new ArrayList<>());
    for (int round = 0; round < rounds; round++) {
      for (Variant variant : rates.keySet()) {
        double rate;
        try {
          rate = onFreshBroker(samples, events, variant);
        } catch (IllegalStateException e) {
          // Should the input still fail to arrive (see produce), say so and run once more.
          out.println("run failed (" + e.getMessage() + "); running it once more");
          out.flush();
          rate = onFreshBroker(samples, events, variant);
        }
        rates.get(variant).add(rate);
        out.printf(
            Locale.ROOT,
            "round %d  %-15s  %d events  %.0f attributions/s%n",
            round + 1,
            variant.label(),
            events,
            rate);
        out.flush();
      }
    }
    double a = mean(rates.get(first));
    double b = mean(rates.get(second));
    out.printf(
        Locale.ROOT,
        "%nend-to-end attributions/s (%s, %d events per run, mean of %d runs)%n"
            + "  %-15s %.0f%n  %-15s %.0f%n  ratio           %.2f%n",
        String.join(" + ", MODELS),
        events,
        rounds,
        first.label(),
        a,
        second.label(),
        b,
        b / a);
    out.flush();
    return 0;
  }

  private double onFreshBroker(DemoSamples samples, int events, Variant variant) throws Exception {
    try (KafkaBroker broker = ChildProcessBroker.start()) {
      return once(broker.bootstrapServers(), samples, events, variant);
    }
  }

  private double once(String servers, DemoSamples samples, int events, Variant variant)
      throws Exception {
    String run = "igstream-bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path state = Files.createTempDirectory("igstream-bench-state");
    List<RunCommand.Running> running = new ArrayList<>();
    try {
      Map<String, String> env = RunTopics.prefixed(run);
      env.put("IGSTREAM_SUMMARIES_ENABLED", String.valueOf(variant.summaries()));
      env.put("IGSTREAM_SUMMARIES_WINDOW_MS", "10000");
      // Windows close and are summarised during the run, so their cost is measured too.
      env.put("IGSTREAM_SUMMARIES_GRACE_MS", "1000");
      env.put("IGSTREAM_SUMMARIES_MERGE_WAIT_MS", "2000");
      env.put("IGSTREAM_HTTP_PORT", variant.liveView() ? "0" : "-1");
      env.put("IGSTREAM_VIEW_ENABLED", String.valueOf(variant.liveView()));
      // Work for several instances to share: each model version over several keys.
      env.put("IGSTREAM_BATCH_SHARDS", String.valueOf(Math.max(2, variant.instances())));
      AppConfig config = null;
      for (int i = 0; i < variant.instances(); i++) {
        env.put("IGSTREAM_KAFKA_STATE_DIR", state.resolve("instance-" + i).toString());
        AppConfig instance =
            AppConfig.load(null, env).withBrokerAndModels(servers, fixtures.resolve("models"), run);
        config = config == null ? instance : config;
        running.add(RunCommand.Running.start(instance));
      }
      // The view's client connects before the traffic, as someone watching the page would.
      try (ViewClient watcher =
          variant.liveView() ? ViewClient.watch(running.get(0).httpPort()) : null) {
        // The apps have created the topics; the producer outruns the stream, which is measured.
        produce(servers, config, samples, events);
        double rate = consume(servers, config, events);
        if (watcher != null) {
          out.printf(
              Locale.ROOT,
              "  (the view's client read %d states during the run)%n",
              watcher.states());
        }
        return rate;
      }
    } finally {
      for (RunCommand.Running r : running) {
        r.close();
      }
      DemoCommand.deleteTree(state);
    }
  }

  private static void produce(String servers, AppConfig config, DemoSamples samples, int events) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Under this load the idempotent producer here has been seen to resend a batch with its
    // sequence numbers reset (the broker then answers OutOfOrderSequence until the batch expires,
    // two minutes later); the benchmark needs neither ordering nor deduplication on its input.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      long now = System.currentTimeMillis();
      java.util.concurrent.atomic.AtomicReference<Exception> failure =
          new java.util.concurrent.atomic.AtomicReference<>();
      for (int n = 0; n < events; n++) {
        ObjectNode event = samples.event(n);
        String id = "bench-" + n;
        event.put("event_id", id);
        // Event times spread over a minute, so summaries close several windows.
        event.put(
            "event_time", java.time.Instant.ofEpochMilli(now + n * 60_000L / events).toString());
        // A send that fails (the topic is seconds old) would otherwise look like a lost event.
        producer.send(
            new ProducerRecord<>(config.stream().inputTopic(), id, event.toString()),
            (metadata, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
      if (failure.get() != null) {
        throw new IllegalStateException(
            "the benchmark could not produce its events: " + failure.get(), failure.get());
      }
    }
  }

  private static double consume(String servers, AppConfig config, int events) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "igstream-bench-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int seen = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(
          List.of(config.stream().attributionsTopic(), config.stream().deadLetterTopic()));
      while (seen < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen++;
          first = Math.min(first, r.timestamp());
          last = Math.max(last, r.timestamp());
        }
      }
    }
    if (seen < events) {
      throw new IllegalStateException("only " + seen + " of " + events + " events came back");
    }
    return (seen - 1) / Math.max(1e-3, (last - first) / 1000.0);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
