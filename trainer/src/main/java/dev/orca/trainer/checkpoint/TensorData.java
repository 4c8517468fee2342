package dev.orca.trainer.checkpoint;

import java.util.Arrays;

/**
 * One named float tensor as a checkpoint stores it (row-major), independent of any engine.
 *
 * @param name   the name in the checkpoint's own naming
 * @param shape  dimensions
 * @param values {@code product(shape)} values, row-major
 */
public record TensorData(String name, long[] shape, float[] values) {

    public TensorData {
        long size = elementCount(shape);
        if (size != values.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + " (" + size + " values) but " + values.length + " values");
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The transpose of a 2-D tensor (ONNX stores MatMul weights as {@code [in, out]}, models use {@code [out, in]}). */
    public TensorData transposed(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("tensor " + name + " is not 2-D: " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return new TensorData(newName, new long[] {cols, rows}, out);
    }

    public TensorData renamed(String newName) {
        return new TensorData(newName, shape, values);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
