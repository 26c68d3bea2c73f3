package io.igstream.ig;

import java.util.List;
import java.util.Map;

/**
 * A batch of path points: for each row, the values of every attributed tensor (flat, row-major,
 * {@code rows x size}), the upstream gradient ({@code rows x outputSize}), and the instance whose
 * other inputs the row uses.
 */
public record GradientRequest(
    int rows,
    List<Map<String, DenseArray>> context,
    Map<String, float[]> values,
    float[] upstream) {}
