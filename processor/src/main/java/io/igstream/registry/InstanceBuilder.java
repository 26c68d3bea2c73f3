package io.igstream.registry;

import io.igstream.event.EventException;
import io.igstream.event.PredictionEvent;
import io.igstream.ig.DenseArray;
import io.igstream.tf.SignatureSpec;
import io.igstream.tf.TensorSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.DataType;

/**
 * Turns an event into one validated instance of the model's inputs: named features are placed by
 * the config's feature names, every input is checked for presence, shape and dtype.
 */
final class InstanceBuilder {

  private final SignatureSpec signature;
  private final Map<String, List<String>> featureNames;

  InstanceBuilder(SignatureSpec signature, Map<String, List<String>> featureNames) {
    this.signature = signature;
    this.featureNames = featureNames;
  }

  Map<String, DenseArray> build(PredictionEvent event) {
    Map<String, DenseArray> inputs =
        event.hasNamedFeatures() ? fromFeatures(event.features()) : event.inputs();
    for (String name : inputs.keySet()) {
      if (!signature.inputs().containsKey(name)) {
        throw new EventException(
            "input",
            "unknown input '" + name + "'; the model takes " + signature.inputs().keySet());
      }
    }
    Map<String, DenseArray> instance = new LinkedHashMap<>();
    for (TensorSpec spec : signature.inputs().values()) {
      DenseArray value = inputs.get(spec.key());
      if (value == null) {
        throw new EventException(
            "input",
            "missing input '"
                + spec.key()
                + "' ("
                + spec.describe()
                + " including the batch axis)");
      }
      checkShape(spec, value);
      checkDtype(spec, value);
      instance.put(spec.key(), value);
    }
    return instance;
  }

  private Map<String, DenseArray> fromFeatures(Map<String, Double> features) {
    if (featureNames.isEmpty()) {
      throw new EventException(
          "input",
          "this model's config names no features; send 'inputs' keyed by "
              + signature.inputs().keySet());
    }
    Map<String, DenseArray> inputs = new LinkedHashMap<>();
    int used = 0;
    for (Map.Entry<String, List<String>> entry : featureNames.entrySet()) {
      List<String> names = entry.getValue();
      double[] values = new double[names.size()];
      for (int i = 0; i < names.size(); i++) {
        Double value = features.get(names.get(i));
        if (value == null) {
          throw new EventException(
              "input", "missing feature '" + names.get(i) + "' of input '" + entry.getKey() + "'");
        }
        values[i] = value;
        used++;
      }
      inputs.put(entry.getKey(), DenseArray.vector(values));
    }
    if (used != features.size()) {
      for (String name : features.keySet()) {
        if (featureNames.values().stream().noneMatch(list -> list.contains(name))) {
          throw new EventException("input", "unknown feature '" + name + "'");
        }
      }
    }
    return inputs;
  }

  private static void checkShape(TensorSpec spec, DenseArray value) {
    long[] expected = spec.rowShape();
    long[] actual = value.shape();
    boolean ok = expected.length == actual.length;
    for (int i = 0; ok && i < expected.length; i++) {
      ok = expected[i] < 0 || expected[i] == actual[i];
    }
    if (!ok) {
      throw new EventException(
          "input",
          "input '"
              + spec.key()
              + "' has shape "
              + Arrays.toString(actual)
              + " but the model takes "
              + Arrays.toString(expected)
              + " per instance (-1 is any size)");
    }
  }

  private static void checkDtype(TensorSpec spec, DenseArray value) {
    if (spec.dtype() == DataType.DT_INT32 || spec.dtype() == DataType.DT_INT64) {
      for (double v : value.values()) {
        if (v != Math.rint(v)) {
          throw new EventException(
              "input",
              "input '" + spec.key() + "' takes integers (" + spec.describe() + "), got " + v);
        }
      }
    }
  }
}
