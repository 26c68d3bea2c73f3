package io.igstream.app;

import io.igstream.live.FeedTopics;
import io.igstream.live.LiveFeed;
import io.igstream.live.LiveState;
import io.igstream.live.LiveView;
import io.igstream.registry.ModelRepository;
import io.igstream.registry.RepositoryBatchExplainer;
import io.igstream.stream.StreamMetrics;
import io.igstream.tf.ModelLoader;
import io.igstream.tf.OpRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code igstream run}: the processor against your brokers and model repository. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs the explanation stream: consumes prediction events, micro-batches them by model version, explains them and writes attribution and dead-letter records (exactly-once). Settings come from --config (properties) and IGSTREAM_* environment variables.")
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--config",
      description = "Properties file (annotated example: deploy/igstream.properties).")
  Path config;

  @Override
  public Integer call() throws Exception {
    AppConfig app = AppConfig.load(config, System.getenv());
    Running running = Running.start(app);
    LOG.info(
        "igstream running http_port={} model_root={}",
        running.httpPort(),
        app.modelRoot().toAbsolutePath());
    // The JVM halts once its shutdown hooks return, so the hook itself closes the stream: the
    // open transaction commits or aborts cleanly and the state store is checkpointed.
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    running.close();
                  } finally {
                    closed.countDown();
                  }
                },
                "igstream-shutdown"));
    closed.await();
    return 0;
  }

  /** Everything a running processor holds, closed in reverse order. */
  public static final class Running implements AutoCloseable {
    final PrometheusMeterRegistry registry;
    final StreamMetrics metrics;
    final ModelRepository repository;
    final StreamApp app;
    final LiveView view;
    final HttpEndpoint http;

    private Running(
        PrometheusMeterRegistry registry,
        StreamMetrics metrics,
        ModelRepository repository,
        StreamApp app,
        LiveView view,
        HttpEndpoint http) {
      this.registry = registry;
      this.metrics = metrics;
      this.repository = repository;
      this.app = app;
      this.view = view;
      this.http = http;
    }

    /** Starts everything a processor runs: models, the stream, HTTP and the live view. */
    public static Running start(AppConfig config) throws java.io.IOException {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ModelMetrics models = new ModelMetrics(registry);
      LOG.info("tensorflow session settings {}", config.tensorflow().describe());
      ModelRepository repository =
          new ModelRepository(
              config.modelRoot(),
              new ModelLoader(new OpRegistry(), config.tensorflow()),
              config.modelCacheSize(),
              models);
      models.watch(repository);
      // Per-model series only for names that are configured or have loaded: names from events
      // must not grow the metrics.
      StreamMetrics metrics =
          new StreamMetrics(
              registry,
              model ->
                  config.stream().sampling().containsKey(model) || repository.hasLoaded(model));
      StreamApp app = new StreamApp(config, new RepositoryBatchExplainer(repository), metrics);
      // The /ready verdict as a number, so that alerts can say which instance is not ready.
      Gauge.builder("igstream.ready", app.probes(), probes -> probes.ready().ok() ? 1 : 0)
          .description("1 while /ready answers 200, else 0")
          .strongReference(true)
          .register(registry);
      app.start();
      LiveView view = null;
      HttpEndpoint http;
      try {
        view = config.httpPort() < 0 || !config.view().enabled() ? null : liveView(config);
        http =
            config.httpPort() < 0
                ? null
                : new HttpEndpoint(
                    config.httpPort(),
                    () ->
                        app.state() == KafkaStreams.State.RUNNING
                            || app.state() == KafkaStreams.State.REBALANCING,
                    app.probes(),
                    registry,
                    view);
      } catch (java.io.IOException | RuntimeException e) {
        // The port is taken, say: nothing started here may outlive the failed start.
        if (view != null) {
          view.close();
        }
        app.close();
        repository.close();
        registry.close();
        throw e;
      }
      return new Running(registry, metrics, repository, app, view, http);
    }

    /** The view's state and the feed that fills it from the topics, on its own consumer. */
    private static LiveView liveView(AppConfig config) {
      LiveState state = new LiveState(config.view().recentEvents(), config.stream()::samplingFor);
      boolean summaries = config.summaries().enabled();
      FeedTopics topics =
          new FeedTopics(
              config.stream().inputTopic(),
              config.stream().attributionsTopic(),
              config.stream().deadLetterTopic(),
              summaries ? config.summaries().summariesTopic() : null,
              summaries ? config.summaries().alertsTopic() : null);
      LiveFeed feed =
          new LiveFeed(
              config.kafka(),
              config.kafka().getOrDefault("application.id", "igstream"),
              topics,
              config.view().history(),
              state);
      return new LiveView(state, feed.start());
    }

    /** The bound HTTP port (useful with port 0), or -1 when HTTP is off. */
    public int httpPort() {
      return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
      if (http != null) {
        http.close();
      }
      if (view != null) {
        view.close();
      }
      app.close();
      repository.close();
      registry.close();
    }
  }
}
