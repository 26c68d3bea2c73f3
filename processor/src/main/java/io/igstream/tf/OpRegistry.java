package io.igstream.tf;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.OpDef;

/**
 * The op definitions TensorFlow has registered, and whether each op type has a gradient in the C++
 * registry that {@code Graph.addGradients} uses.
 */
public final class OpRegistry {

  private final Map<String, OpDef> ops = new HashMap<>();
  private final Map<String, Boolean> gradients = new HashMap<>();
  private final Method hasGradient;

  public OpRegistry() {
    for (OpDef op : TensorFlow.registeredOpList().getOpList()) {
      ops.put(op.getName(), op);
    }
    try {
      // TF Java keeps this query package-private; it is the only way to ask the C++ registry.
      hasGradient = TensorFlow.class.getDeclaredMethod("hasGradient", String.class);
      hasGradient.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this TensorFlow Java build has no gradient registry query", e);
    }
  }

  /** The definition of a registered op type, or null. */
  public OpDef op(String type) {
    return ops.get(type);
  }

  /** True when {@code addGradients} can differentiate through this op type. */
  public synchronized boolean hasGradient(String type) {
    return gradients.computeIfAbsent(type, this::queryGradient);
  }

  private boolean queryGradient(String type) {
    try {
      return (Boolean) hasGradient.invoke(null, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot ask TensorFlow whether " + type + " has a gradient", e);
    }
  }
}
