package io.igstream.tf;

import java.util.Arrays;
import org.tensorflow.proto.DataType;

/**
 * One input or output of a signature: its key, the graph tensor behind it, dtype and shape (-1 for
 * an unknown dimension, batch first).
 */
public record TensorSpec(String key, String tensorName, DataType dtype, long[] shape) {

  /** The shape without the batch dimension. */
  public long[] rowShape() {
    return shape.length == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** A short human-readable form, e.g. {@code float32[-1,30]}. */
  public String describe() {
    String type =
        switch (dtype) {
          case DT_FLOAT -> "float32";
          case DT_DOUBLE -> "float64";
          case DT_INT32 -> "int32";
          case DT_INT64 -> "int64";
          case DT_STRING -> "string";
          case DT_BOOL -> "bool";
          case DT_HALF -> "float16";
          default -> dtype.name().toLowerCase(java.util.Locale.ROOT);
        };
    return type + Arrays.toString(shape).replace(" ", "");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorSpec that
        && key.equals(that.key)
        && tensorName.equals(that.tensorName)
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return key + "=" + tensorName + ":" + describe();
  }
}
