package io.igstream.tf;

import java.util.Map;

/** A SavedModel signature: its key and its inputs and outputs by key, in declaration order. */
public record SignatureSpec(
    String key, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {

  public SignatureSpec {
    inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
    outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
  }
}
