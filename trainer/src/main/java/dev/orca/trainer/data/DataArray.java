package dev.orca.trainer.data;

import java.util.Arrays;

/**
 * A dense array read from a data file, converted to float, row-major.
 *
 * @param source where it came from, for error messages (a file, or a file and an entry)
 * @param shape  dimensions; the first is the example axis
 * @param values {@code product(shape)} values
 */
public record DataArray(String source, long[] shape, float[] values) {

    public DataArray {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        if (n != values.length) {
            throw new IllegalArgumentException(source + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    public long examples() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Integer class labels as a one-dimensional array of their values (what {@link #asLabels} reads back). */
    public static DataArray ofLabels(String source, int[] labels) {
        float[] values = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[i] = labels[i];
        }
        return new DataArray(source, new long[] {labels.length}, values);
    }

    /** The values as integer class labels, checking that each is a whole number. */
    public int[] asLabels() {
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v != Math.rint(v) || Float.isNaN(v)) {
                throw new IllegalArgumentException(source + ": value " + v + " at index " + i + " is not an integer label");
            }
            labels[i] = (int) v;
        }
        return labels;
    }
}
