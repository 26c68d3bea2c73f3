package io.igstream.ig;

import java.util.Map;

/** One instance's forward pass: the explained output row and each attributed tensor's value. */
public record Evaluation(double[] output, Map<String, DenseArray> attributedValues) {}
