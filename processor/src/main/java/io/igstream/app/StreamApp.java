package io.igstream.app;

import io.igstream.drift.DriftPolicy;
import io.igstream.event.BatchExplainer;
import io.igstream.registry.BaselineFiles;
import io.igstream.stream.DriftMetrics;
import io.igstream.stream.ExplanationTopology;
import io.igstream.stream.StreamMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the explanation topology with exactly-once processing, creating its topics if asked. The
 * timeouts are sized so that a slow model on a CPU cannot trip them: IG work happens inside the
 * stream thread's transaction, between polls.
 */
public final class StreamApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);

  /** Largest record the producer sends and the created topics accept. */
  static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

  private final AppConfig config;
  private final KafkaStreams streams;
  private final StreamProbes probes;
  private final KafkaStreamsMetrics clientMetrics;

  public StreamApp(AppConfig config, BatchExplainer explainer, StreamMetrics metrics) {
    this.config = config;
    this.streams =
        new KafkaStreams(
            ExplanationTopology.build(
                config.stream(),
                config.summaries(),
                explainer,
                new ModelRootReferences(
                    new BaselineFiles(
                        config.modelRoot(),
                        DriftPolicy.defaults().withMinEvents(config.summaries().minEvents()))),
                metrics,
                new DriftMetrics(metrics.registry())),
            properties(config));
    this.probes =
        new StreamProbes(config.modelRoot(), Duration.ofSeconds(30), System::currentTimeMillis);
    streams.setStateListener(probes);
    // Kafka Streams' own metrics (thread, task, store, client) beside igstream's on /metrics.
    this.clientMetrics = new KafkaStreamsMetrics(streams);
    clientMetrics.bindTo(metrics.registry());
    // A failure that escapes a batch (a bug, not bad data) restarts the thread; the transaction
    // aborts, so nothing is lost or duplicated.
    streams.setUncaughtExceptionHandler(
        exception -> {
          LOG.error("stream thread failed; replacing it", exception);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /** Streams settings: ours first, then every user {@code kafka.*} key on top. */
  static Properties properties(AppConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // One poll loop may explain several batches: allow minutes between polls. The transaction
    // spans a poll's batches, so it gets two minutes; longer would also be how long an instance
    // killed without warning leaves its open transaction blocking read_committed readers of its
    // partitions when its replacement has a new state directory (a new transactional id).
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), "900000");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "120000");
    // Fewer records per poll bound the work between polls: 256 records is a few batches.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), "256");
    // Heartbeats run on their own thread, so the session timeout only needs to cover real crashes.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "30000");
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        String.valueOf(MAX_RECORD_BYTES));
    // The changelogs Streams creates hold summary window state (sketches, hundreds of KB).
    props.put(StreamsConfig.topicPrefix("max.message.bytes"), String.valueOf(MAX_RECORD_BYTES));
    // We have no global stores; opting in now is Kafka 5's default and silences its start-up
    // warning.
    props.put("processing.exception.handler.global.enabled", "true");
    props.putAll(config.kafka());
    return props;
  }

  /** Creates the topics that do not exist yet, then starts processing. */
  public void start() {
    if (config.createTopics()) {
      createTopics();
    } else {
      checkTopicsExist();
    }
    streams.start();
    LOG.info(
        "stream started application={} input={} attributions={} dead_letters={}",
        config.kafka().get("application.id"),
        config.stream().inputTopic(),
        config.stream().attributionsTopic(),
        config.stream().deadLetterTopic());
  }

  StreamProbes probes() {
    return probes;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** With topics managed elsewhere, a missing one is a clear error, not a silent idle stream. */
  private void checkTopicsExist() {
    try (Admin client = Admin.create(adminProperties())) {
      Set<String> existing = client.listTopics().names().get();
      List<String> missing = new ArrayList<>(requiredTopics());
      missing.removeAll(existing);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "igstream.topics.create=false but these topics do not exist: "
                + missing
                + " (create them with as many partitions as the input topic"
                + (config.summaries().enabled()
                    ? ", or set igstream.summaries.enabled=false to run without drift summaries"
                    : "")
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot list topics on "
              + config.kafka().get("bootstrap.servers")
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  private List<String> requiredTopics() {
    List<String> topics =
        new ArrayList<>(
            List.of(
                config.stream().inputTopic(),
                config.stream().batchTopic(),
                config.stream().attributionsTopic(),
                config.stream().deadLetterTopic()));
    if (config.summaries().enabled()) {
      topics.addAll(
          List.of(
              config.summaries().partialsTopic(),
              config.summaries().summariesTopic(),
              config.summaries().alertsTopic()));
    }
    return topics;
  }

  private Properties adminProperties() {
    Properties admin = new Properties();
    config
        .kafka()
        .forEach(
            (k, v) -> {
              if (AdminClientConfig.configNames().contains(k)) {
                admin.put(k, v);
              }
            });
    return admin;
  }

  private void createTopics() {
    try (Admin client = Admin.create(adminProperties())) {
      Set<String> existing = client.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      List<String> topics = requiredTopics();
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          missing.add(
              new NewTopic(
                      topic,
                      java.util.Optional.of(config.topicPartitions()),
                      config.replicationFactor() < 0
                          ? java.util.Optional.empty()
                          : java.util.Optional.of(config.replicationFactor()))
                  // The producer sends records up to this size; the topic must accept them.
                  .configs(
                      java.util.Map.of(
                          TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES))));
        }
      }
      if (!missing.isEmpty()) {
        try {
          client.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
        LOG.info("topics created names={}", missing.stream().map(NewTopic::name).toList());
      }
      // Producers writing the moment we return must find every partition led already.
      io.igstream.app.broker.Topics.awaitLeaders(client, topics, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics on "
              + config.kafka().get("bootstrap.servers")
              + ": "
              + e.getCause().getMessage()
              + " (create them yourself and set igstream.topics.create=false)",
          e);
    }
  }

  /**
   * Stops the stream within 30 s. An instance without a static membership id leaves the group, so
   * its partitions move to the others at once instead of after the session timeout; with {@code
   * kafka.group.instance.id} set it stays, so a restart of the same pod gets its tasks back without
   * a rebalance.
   */
  @Override
  public void close() {
    boolean staticMember =
        config.kafka().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            || config
                .kafka()
                .containsKey(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    streams.close(
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(
                staticMember
                    ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                    : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    clientMetrics.close();
  }
}
