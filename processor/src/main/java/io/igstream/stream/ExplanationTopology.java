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
        () -> new MicroBatcher(settings, explainer, parser, metrics),
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
    return topology;
  }
}
