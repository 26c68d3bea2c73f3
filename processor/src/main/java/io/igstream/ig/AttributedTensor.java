package io.igstream.ig;

/** A tensor attributions are computed for: its name (the input it comes from) and row shape. */
public record AttributedTensor(String name, long[] rowShape) {

  /** Number of elements in one row. */
  public int size() {
    return Math.toIntExact(DenseArray.elementCount(rowShape));
  }
}
