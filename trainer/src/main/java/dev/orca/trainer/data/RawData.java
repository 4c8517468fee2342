package dev.orca.trainer.data;

import java.util.Arrays;

/**
 * A task's examples as a generator or a file format yields them, before the spec's shape, splits and standardisation.
 *
 * @param inputs     all inputs, examples first
 * @param targets    all targets, examples first
 * @param ignore     per-target mask of values not scored (npz {@code ignore}), or null
 * @param clips      clip id per example (npz {@code clip}), or null
 * @param shipped    the split the data itself carries (JSB Chorales), or null
 * @param fixedTrain with a test file: the first {@code fixedTrain} examples are the training file's, the rest the test's; else null
 */
public record RawData(DataArray inputs, DataArray targets, DataArray ignore, DataArray clips, Splits shipped, Integer fixedTrain) {

    public static RawData of(DataArray inputs, DataArray targets) {
        return new RawData(inputs, targets, null, null, null, null);
    }

    /** The examples of {@code test} after these, remembered as a fixed test split. */
    public RawData withTest(RawData test) {
        if ((ignore == null) != (test.ignore == null) || (clips == null) != (test.clips == null)) {
            throw new IllegalArgumentException("spec.task.data.files: the train and test files must both hold, or both"
                    + " lack, the arrays ignore and clip");
        }
        return new RawData(concat(inputs, test.inputs), concat(targets, test.targets), ignore == null ? null : concat(ignore, test.ignore),
                clips == null ? null : concat(clips, test.clips), null, (int) inputs.examples());
    }

    public static DataArray concat(DataArray a, DataArray b) {
        if (!Arrays.equals(Arrays.copyOfRange(a.shape(), 1, a.shape().length), Arrays.copyOfRange(b.shape(), 1, b.shape().length))) {
            throw new IllegalArgumentException(b.source() + ": examples of shape " + Arrays.toString(b.shape())
                    + " do not match the training data's " + Arrays.toString(a.shape()));
        }
        float[] values = Arrays.copyOf(a.values(), a.values().length + b.values().length);
        System.arraycopy(b.values(), 0, values, a.values().length, b.values().length);
        long[] shape = a.shape().clone();
        shape[0] += b.shape()[0];
        return new DataArray(a.source() + " + " + b.source(), shape, values);
    }
}
