package io.igstream.registry;

import io.igstream.ig.AttributedTensor;
import io.igstream.ig.DenseArray;
import io.igstream.ig.DifferentiableModel;
import io.igstream.ig.Evaluation;
import io.igstream.ig.GradientBatch;
import io.igstream.ig.GradientRequest;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * A model that reports the rows of every gradient run it completes. It sits between the engine and
 * the TensorFlow model so that neither needs to know about metrics.
 */
final class CountingModel implements DifferentiableModel {

  private final DifferentiableModel model;
  private final LongConsumer rows;

  CountingModel(DifferentiableModel model, LongConsumer rows) {
    this.model = model;
    this.rows = rows;
  }

  @Override
  public List<AttributedTensor> attributedTensors() {
    return model.attributedTensors();
  }

  @Override
  public int outputSize() {
    return model.outputSize();
  }

  @Override
  public List<Evaluation> evaluate(List<Map<String, DenseArray>> instances) {
    return model.evaluate(instances);
  }

  @Override
  public GradientBatch gradients(GradientRequest request) {
    GradientBatch batch = model.gradients(request);
    // Counted once the run succeeded: a failed run is retried event by event and counted then.
    rows.accept(request.rows());
    return batch;
  }
}
