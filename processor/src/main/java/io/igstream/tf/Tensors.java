package io.igstream.tf;

import io.igstream.ig.DenseArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Builds batched tensors from rows of numbers and reads them back, for the dtypes models take. */
public final class Tensors {

  private Tensors() {}

  /** Stacks equally shaped rows into one tensor of the given dtype, batch dimension first. */
  public static Tensor batch(DataType dtype, List<DenseArray> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("cannot build a tensor from zero rows");
    }
    long[] rowShape = rows.get(0).shape();
    int rowSize = rows.get(0).size();
    double[] flat = new double[Math.multiplyExact(rows.size(), rowSize)];
    for (int r = 0; r < rows.size(); r++) {
      DenseArray row = rows.get(r);
      if (!Arrays.equals(row.shape(), rowShape)) {
        throw new IllegalArgumentException(
            "row "
                + r
                + " has shape "
                + Arrays.toString(row.shape())
                + " but row 0 has "
                + Arrays.toString(rowShape));
      }
      System.arraycopy(row.values(), 0, flat, r * rowSize, rowSize);
    }
    return of(dtype, batchShape(rows.size(), rowShape), flat);
  }

  /** A tensor of the given dtype and shape holding the flat row-major values. */
  public static Tensor of(DataType dtype, Shape shape, double[] flat) {
    return switch (dtype) {
      case DT_FLOAT -> {
        float[] values = new float[flat.length];
        for (int i = 0; i < flat.length; i++) {
          values[i] = (float) flat[i];
        }
        yield TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
      }
      case DT_DOUBLE -> TFloat64.tensorOf(shape, DataBuffers.of(flat, true, false));
      case DT_INT32 -> {
        int[] values = new int[flat.length];
        for (int i = 0; i < flat.length; i++) {
          values[i] = exactInt(flat[i]);
        }
        yield TInt32.tensorOf(shape, DataBuffers.of(values, true, false));
      }
      case DT_INT64 -> {
        long[] values = new long[flat.length];
        for (int i = 0; i < flat.length; i++) {
          values[i] = exactLong(flat[i]);
        }
        yield TInt64.tensorOf(shape, DataBuffers.of(values, true, false));
      }
      default -> throw new IllegalArgumentException("unsupported input dtype " + dtype);
    };
  }

  /** A float32 tensor straight from floats, avoiding a detour through doubles on hot paths. */
  public static TFloat32 floats(Shape shape, float[] flat) {
    return TFloat32.tensorOf(shape, DataBuffers.of(flat, true, false));
  }

  /** All values of a numeric tensor, row-major, as doubles. */
  public static double[] values(Tensor tensor) {
    ByteDataBuffer data = tensor.asRawTensor().data();
    int count = Math.toIntExact(tensor.shape().size());
    double[] out = new double[count];
    switch (tensor.dataType()) {
      case DT_FLOAT -> {
        float[] buffer = new float[count];
        data.asFloats().read(buffer);
        for (int i = 0; i < count; i++) {
          out[i] = buffer[i];
        }
      }
      case DT_DOUBLE -> data.asDoubles().read(out);
      case DT_INT32 -> {
        int[] buffer = new int[count];
        data.asInts().read(buffer);
        for (int i = 0; i < count; i++) {
          out[i] = buffer[i];
        }
      }
      case DT_INT64 -> {
        long[] buffer = new long[count];
        data.asLongs().read(buffer);
        for (int i = 0; i < count; i++) {
          out[i] = buffer[i];
        }
      }
      default ->
          throw new IllegalArgumentException("unsupported output dtype " + tensor.dataType());
    }
    return out;
  }

  /** All values of a float32 tensor, row-major. */
  public static float[] floatValues(Tensor tensor) {
    if (tensor.dataType() != DataType.DT_FLOAT) {
      throw new IllegalArgumentException("expected a float32 tensor, got " + tensor.dataType());
    }
    float[] out = new float[Math.toIntExact(tensor.shape().size())];
    tensor.asRawTensor().data().asFloats().read(out);
    return out;
  }

  /** Splits a batched tensor into its rows. */
  public static List<DenseArray> rows(Tensor tensor) {
    long[] dims = tensor.shape().asArray();
    if (dims.length == 0) {
      throw new IllegalArgumentException("a scalar tensor has no batch dimension");
    }
    long[] rowShape = Arrays.copyOfRange(dims, 1, dims.length);
    int rowSize = Math.toIntExact(DenseArray.elementCount(rowShape));
    double[] flat = values(tensor);
    List<DenseArray> rows = new ArrayList<>();
    for (int r = 0; r < dims[0]; r++) {
      rows.add(
          new DenseArray(
              rowShape.clone(), Arrays.copyOfRange(flat, r * rowSize, (r + 1) * rowSize)));
    }
    return rows;
  }

  static Shape batchShape(long batch, long[] rowShape) {
    long[] dims = new long[rowShape.length + 1];
    dims[0] = batch;
    System.arraycopy(rowShape, 0, dims, 1, rowShape.length);
    return Shape.of(dims);
  }

  private static int exactInt(double value) {
    if (value != Math.rint(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("expected an int32 value, got " + value);
    }
    return (int) value;
  }

  private static long exactLong(double value) {
    if (value != Math.rint(value) || Math.abs(value) > 9.007199254740992E15) {
      throw new IllegalArgumentException("expected an integer value, got " + value);
    }
    return (long) value;
  }
}
