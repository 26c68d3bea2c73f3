package io.igstream.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.igstream.ig.DenseArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between JSON nested arrays and {@link DenseArray}s, rejecting ragged or non-numeric
 * data.
 */
public final class JsonArrays {

  private JsonArrays() {}

  /**
   * Reads a number or a nested array of numbers.
   *
   * @throws IllegalArgumentException naming the JSON path of the first problem
   */
  public static DenseArray read(JsonNode node) {
    List<Long> shape = new ArrayList<>();
    JsonNode probe = node;
    while (probe.isArray()) {
      shape.add((long) probe.size());
      if (probe.isEmpty()) {
        break;
      }
      probe = probe.get(0);
    }
    long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
    // Check the whole structure before allocating: the first elements alone may claim a size
    // the document does not have (a few kilobytes must not ask for gigabytes).
    long count = check(node, dims, 0, "$");
    if (count > MAX_ELEMENTS) {
      throw new IllegalArgumentException(
          "an input of " + count + " numbers is over the limit of " + MAX_ELEMENTS);
    }
    double[] values = new double[(int) count];
    int[] cursor = {0};
    fill(node, dims, 0, values, cursor, "$");
    return new DenseArray(dims, values);
  }

  /** The most numbers one input may hold (32 MiB of doubles). */
  public static final int MAX_ELEMENTS = 1 << 22;

  /** Verifies the nesting is regular and counts the numbers, without allocating. */
  private static long check(JsonNode node, long[] dims, int depth, String path) {
    if (depth == dims.length) {
      if (!node.isNumber()) {
        throw new IllegalArgumentException(
            "expected a number at " + path + " but found " + describe(node));
      }
      return 1;
    }
    if (!node.isArray() || node.size() != dims[depth]) {
      throw new IllegalArgumentException(
          "ragged array at "
              + path
              + ": expected an array of "
              + dims[depth]
              + " but found "
              + describe(node));
    }
    long count = 0;
    for (int i = 0; i < node.size(); i++) {
      count += check(node.get(i), dims, depth + 1, path + "[" + i + "]");
      if (count > MAX_ELEMENTS) {
        throw new IllegalArgumentException(
            "an input of more than " + MAX_ELEMENTS + " numbers is over the limit");
      }
    }
    return count;
  }

  private static void fill(
      JsonNode node, long[] dims, int depth, double[] values, int[] cursor, String path) {
    if (depth == dims.length) {
      if (!node.isNumber()) {
        throw new IllegalArgumentException(
            "expected a number at " + path + " but found " + describe(node));
      }
      double value = node.asDouble();
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("non-finite number at " + path);
      }
      values[cursor[0]++] = value;
      return;
    }
    if (!node.isArray() || node.size() != dims[depth]) {
      throw new IllegalArgumentException(
          "ragged array at "
              + path
              + ": expected an array of "
              + dims[depth]
              + " but found "
              + describe(node));
    }
    for (int i = 0; i < node.size(); i++) {
      fill(node.get(i), dims, depth + 1, values, cursor, path + "[" + i + "]");
    }
  }

  private static String describe(JsonNode node) {
    if (node.isArray()) {
      return "an array of " + node.size();
    }
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Writes an array as JSON nested arrays (a bare number for a scalar). */
  public static JsonNode write(DenseArray array) {
    int[] cursor = {0};
    return write(array, 0, cursor);
  }

  private static JsonNode write(DenseArray array, int depth, int[] cursor) {
    JsonNodeFactory factory = JsonNodeFactory.instance;
    if (depth == array.shape().length) {
      return factory.numberNode(array.values()[cursor[0]++]);
    }
    ArrayNode node = factory.arrayNode();
    for (long i = 0; i < array.shape()[depth]; i++) {
      node.add(write(array, depth + 1, cursor));
    }
    return node;
  }
}
