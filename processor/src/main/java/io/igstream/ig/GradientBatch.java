package io.igstream.ig;

import java.util.Map;

/** Result of a gradient run: outputs ({@code rows x outputSize}) and gradients per tensor. */
public record GradientBatch(float[] outputs, Map<String, float[]> gradients) {}
