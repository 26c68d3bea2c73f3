package io.igstream.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.igstream.event.BatchExplainer;
import io.igstream.event.EventParser;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds igstream's topology: predictions are validated and keyed by (model, version, shard),
 * written to the batch topic, micro-batched per key, explained, and written to the attributions or
 * dead-letter topic. Every consumed event ends as exactly one output record (or is counted as not
 * sampled).
 */
public final class ExplanationTopology {

  private ExplanationTopology() {}

  public static Topology build(
      StreamSettings settings, BatchExplainer explainer, StreamMetrics metrics) {
    return build(
        settings,
        SummarySettings.disabled(),
        explainer,
        SummaryReferences.NONE,
        metrics,
        new DriftMetrics(metrics.registry()));
  }

  /**
   * The topology with drift/skew summaries when enabled: explained events also feed per-shard
   * window partials, merged per model version into summaries and alerts.
   */
  public static Topology build(
      StreamSettings settings,
      SummarySettings summaries,
      BatchExplainer explainer,
      SummaryReferences references,
      StreamMetrics metrics,
      DriftMetrics driftMetrics) {
    EventParser parser = new EventParser(new ObjectMapper());
    Topology topology = new Topology();
    var strings = Serdes.String();
    topology.addSource(
        "predictions", strings.deserializer(), strings.deserializer(), settings.inputTopic());
    topology.addProcessor(
        "key-by-model-version",
        () -> new PredictionKeyer(settings, parser, metrics),
        "predictions");
    topology.addSink(
        PredictionKeyer.TO_BATCHES,
        settings.batchTopic(),
        strings.serializer(),
        strings.serializer(),
        "key-by-model-version");
    topology.addSink(
        PredictionKeyer.TO_DEAD_LETTERS,
        settings.deadLetterTopic(),
        strings.serializer(),
        strings.serializer(),
        "key-by-model-version");

    topology.addSource(
        "batches", strings.deserializer(), strings.deserializer(), settings.batchTopic());
    topology.addProcessor(
        "micro-batch-and-explain",
        () ->
            new MicroBatcher(
                settings,
                explainer,
                parser,
                metrics,
                summaries.enabled(),
                summaries.grace().toMillis()),
        "batches");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MicroBatcher.STORE), Serdes.String(), Serdes.String()),
        "micro-batch-and-explain");
    topology.addSink(
        MicroBatcher.TO_ATTRIBUTIONS,
        settings.attributionsTopic(),
        strings.serializer(),
        strings.serializer(),
        "micro-batch-and-explain");
    topology.addSink(
        MicroBatcher.TO_DEAD_LETTERS,
        settings.deadLetterTopic(),
        strings.serializer(),
        strings.serializer(),
        "micro-batch-and-explain");
    if (summaries.enabled()) {
      addSummaries(topology, summaries, settings, references, driftMetrics);
    }
    return topology;
  }

  private static void addSummaries(
      Topology topology,
      SummarySettings summaries,
      StreamSettings settings,
      SummaryReferences references,
      DriftMetrics driftMetrics) {
    var strings = Serdes.String();
    topology.addProcessor(
        MicroBatcher.TO_WINDOW_PARTIALS,
        () -> new WindowPartials(summaries, references, driftMetrics),
        "micro-batch-and-explain");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WindowPartials.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        MicroBatcher.TO_WINDOW_PARTIALS);
    topology.addSink(
        WindowPartials.TO_PARTIALS,
        summaries.partialsTopic(),
        strings.serializer(),
        strings.serializer(),
        MicroBatcher.TO_WINDOW_PARTIALS);

    topology.addSource(
        "summary-partials",
        strings.deserializer(),
        strings.deserializer(),
        summaries.partialsTopic());
    topology.addProcessor(
        "merge-summaries",
        () -> new SummaryMerger(summaries, settings::shardsFor, references, driftMetrics),
        "summary-partials");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SummaryMerger.STORE),
                Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        "merge-summaries");
    topology.addSink(
        SummaryMerger.TO_SUMMARIES,
        summaries.summariesTopic(),
        strings.serializer(),
        strings.serializer(),
        "merge-summaries");
    topology.addSink(
        SummaryMerger.TO_ALERTS,
        summaries.alertsTopic(),
        strings.serializer(),
        strings.serializer(),
        "merge-summaries");
  }
}
