package io.igstream.stream;

import java.time.Duration;
import java.util.Map;

/**
 * The topology's settings: topic names, micro-batch size and maximum wait, shards per model version
 * (a default and per model), and the fraction of events explained per model (the rest are counted).
 */
public record StreamSettings(
    String inputTopic,
    String attributionsTopic,
    String deadLetterTopic,
    String batchTopic,
    int batchSize,
    Duration maxWait,
    int shards,
    double defaultSampling,
    Map<String, Double> sampling,
    Map<String, Integer> modelShards) {

  public static final String DEFAULT_INPUT = "igstream.predictions";
  public static final String DEFAULT_ATTRIBUTIONS = "igstream.attributions";
  public static final String DEFAULT_DEAD_LETTERS = "igstream.dead-letters";
  public static final String DEFAULT_BATCHES = "igstream.batches";

  public StreamSettings {
    if (batchSize < 1 || shards < 1) {
      throw new IllegalArgumentException("batch size and shards must be at least 1");
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("the maximum wait must be positive");
    }
    if (!(defaultSampling >= 0 && defaultSampling <= 1)) {
      throw new IllegalArgumentException("sampling fractions are between 0 and 1");
    }
    sampling = Map.copyOf(sampling);
    modelShards.forEach(
        (model, count) -> {
          if (count < 1) {
            throw new IllegalArgumentException(
                "igstream.batch.shards.model." + model + " must be at least 1, got " + count);
          }
        });
    modelShards = Map.copyOf(modelShards);
  }

  public static StreamSettings defaults() {
    return new StreamSettings(
        DEFAULT_INPUT,
        DEFAULT_ATTRIBUTIONS,
        DEFAULT_DEAD_LETTERS,
        DEFAULT_BATCHES,
        64,
        Duration.ofSeconds(1),
        1,
        1.0,
        Map.of(),
        Map.of());
  }

  /**
   * How many keys (and so partitions, and stream threads) this model's events spread over per
   * version: its own setting, else the default. A shard's batches fill at its share of the traffic,
   * so only a version busier than one thread can explain needs more than one.
   */
  public int shardsFor(String model) {
    return modelShards.getOrDefault(model, shards);
  }

  /** The fraction of this model's events to explain. */
  public double samplingFor(String model) {
    return sampling.getOrDefault(model, defaultSampling);
  }
}
