package io.igstream.ig;

import java.util.List;
import java.util.Map;

/**
 * What the IG engine needs from a model, in plain arrays: a forward pass and the gradient of a
 * weighted sum of the explained output with respect to the attributed tensors.
 *
 * <p>An attributed tensor is either a model input or an inner tensor (an embedding output); in the
 * second case the forward pass reports its value so that the path can be laid in that space.
 * Implementations must be safe to call from several threads at once.
 */
public interface DifferentiableModel {

  /** The tensors attributions are computed for, in a fixed order. */
  List<AttributedTensor> attributedTensors();

  /** Number of elements of one row of the explained output (1 for a scalar output). */
  int outputSize();

  /** Forward pass on whole instances: the explained output and the attributed tensors' values. */
  List<Evaluation> evaluate(List<Map<String, DenseArray>> instances);

  /**
   * The gradient of {@code upstream . output} with respect to each attributed tensor, at the given
   * attributed values; the rest of each row's inputs come from its context instance.
   */
  GradientBatch gradients(GradientRequest request);
}
