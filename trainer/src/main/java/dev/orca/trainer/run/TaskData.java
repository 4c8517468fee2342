package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.FileFormats;
import dev.orca.trainer.data.Generators;
import dev.orca.trainer.data.RawData;
import dev.orca.trainer.data.Splits;
import java.util.Arrays;

/**
 * A task's data as the spec describes it, checked against the spec (shapes, label range, NaN) before
 * training starts, split deterministically, inputs standardised with training statistics and, for dense
 * tasks, targets too (predictions are mapped back before the metric).
 *
 * @param x           all inputs {@code (n, C, ...)}
 * @param y           all targets: labels {@code (n)}, multi-labels {@code (n, K)} or dense {@code (n, K, ...)}
 * @param splits      which rows train, validate and test
 * @param targetMean  dense targets' training mean (0 otherwise)
 * @param targetStd   dense targets' training standard deviation (1 otherwise)
 * @param ignore      npz {@code ignore}, shaped as the targets: 1 where a dense target is not scored (Cosmic's mask); null if absent
 * @param clips       npz {@code clip}, one id per example: examples with one id are segments of one clip, scored together
 *                    (FSD50K); null if absent
 */
public record TaskData(NDArray x, NDArray y, Splits splits, float targetMean, float targetStd, float[] ignore, int[] clips) {

    public static TaskData load(OrcaExperimentSpec spec, NDManager manager) {
        OrcaExperimentSpec.Task task = spec.task;
        OrcaExperimentSpec.Data data = task.data;
        RawData raw = data.generator != null ? Generators.generate(data.generator, spec.seed)
                : FileFormats.read(data.files, task.inputShape.size() == 2 ? (int) (long) task.inputShape.get(1) : 1);
        DataArray inputs = raw.inputs();
        DataArray targets = raw.targets();
        DataArray ignore = raw.ignore();
        DataArray clips = raw.clips();
        check(spec, inputs, targets);
        checkExtras(targets, ignore, clips);
        inputs = withShape(inputs, task.inputShape);
        int n = (int) inputs.examples();
        Splits splits = raw.shipped() != null ? raw.shipped() : raw.fixedTrain() != null
                ? Splits.withFixedTest(raw.fixedTrain(), n - raw.fixedTrain(), data.validationFraction, spec.seed)
                : Splits.of(n, data.validationFraction, data.testFraction, spec.seed);
        splits = splits.keepTraining(data.trainFraction, spec.seed);
        NDArray x = manager.create(inputs.values(), new Shape(inputs.shape()));
        NDArray y = manager.create(targets.values(), new Shape(targets.shape()));
        NDArray trainRows = manager.create(Arrays.stream(splits.train()).asLongStream().toArray());
        x = standardise(x, x.get(trainRows));
        float mean = 0;
        float std = 1;
        if (task.type == TaskType.DENSE && (task.loss == null || task.loss == OrcaExperimentSpec.Loss.MSE)) {
            // Regression targets are standardised (and mapped back before the metric); binary masks are left as they are.
            NDArray trainY = y.get(trainRows);
            mean = trainY.mean().getFloat();
            std = Math.max(1e-8f, (float) Math.sqrt(trainY.sub(trainY.mean()).square().mean().getFloat()));
            y = y.sub(mean).div(std);
        } else if (task.type == TaskType.CLASSIFICATION) {
            y = y.toType(DataType.INT64, false);
        }
        return new TaskData(x, y, splits, mean, std, ignore == null ? null : ignore.values(),
                clips == null ? null : clips.asLabels());
    }

    private static void checkExtras(DataArray targets, DataArray ignore, DataArray clips) {
        if (ignore != null && !Arrays.equals(ignore.shape(), targets.shape())) {
            throw new IllegalArgumentException(ignore.source() + ": ignore has shape " + Arrays.toString(ignore.shape())
                    + ", the targets " + Arrays.toString(targets.shape()));
        }
        if (clips != null && (clips.shape().length != 1 || clips.examples() != targets.examples())) {
            throw new IllegalArgumentException(clips.source() + ": clip must hold one id per example (" + targets.examples()
                    + "), has shape " + Arrays.toString(clips.shape()));
        }
    }

    private static NDArray standardise(NDArray x, NDArray train) {
        // Per channel (axis 1) over examples and positions.
        long channels = train.getShape().get(1);
        NDArray perChannel = train.swapAxes(0, 1).reshape(channels, -1);
        NDArray mean = perChannel.mean(new int[] {1});
        NDArray std = perChannel.sub(mean.expandDims(1)).square().mean(new int[] {1}).sqrt().maximum(1e-6f);
        long[] shape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = channels;
        return x.sub(mean.reshape(shape)).div(std.reshape(shape));
    }

    private static void check(OrcaExperimentSpec spec, DataArray inputs, DataArray targets) {
        OrcaExperimentSpec.Task task = spec.task;
        if (inputs.examples() == 0) {
            throw new IllegalArgumentException(inputs.source() + ": the data set is empty");
        }
        if (targets.examples() != inputs.examples()) {
            throw new IllegalArgumentException(targets.source() + ": " + targets.examples() + " targets for "
                    + inputs.examples() + " inputs");
        }
        long[] perExample = Arrays.copyOfRange(inputs.shape(), 1, inputs.shape().length);
        long[] declared = task.inputShape.stream().mapToLong(Long::longValue).toArray();
        if (declared.length == perExample.length + 1 && declared[0] == 1
                && Arrays.equals(Arrays.copyOfRange(declared, 1, declared.length), perExample)) {
            perExample = declared; // single-channel data stored without its channel axis (CSV rows, IDX images)
        }
        if (perExample.length == 1 && declared.length > 1 && Arrays.stream(declared).reduce(1, Math::multiplyExact) == perExample[0]) {
            perExample = declared; // flat rows (a CSV row has no shape of its own) are read into the declared shape, last axis fastest
        }
        if (!Arrays.equals(perExample, declared)) {
            throw new IllegalArgumentException("spec.task.inputShape: declared " + task.inputShape + " but " + inputs.source()
                    + " has examples of shape " + Arrays.toString(perExample));
        }
        for (int i = 0; i < inputs.values().length; i++) {
            if (!Float.isFinite(inputs.values()[i])) {
                throw new IllegalArgumentException(inputs.source() + ": NaN or infinity in example "
                        + i / Math.max(1, inputs.values().length / inputs.examples()));
            }
        }
        if (task.type == TaskType.CLASSIFICATION) {
            int[] labels = targets.asLabels();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= task.numClasses) {
                    throw new IllegalArgumentException("spec.task.numClasses: label " + labels[i] + " of example " + i + " in "
                            + targets.source() + " is outside [0, " + task.numClasses + ")");
                }
            }
        }
        if (task.type == TaskType.MULTILABEL) {
            if (targets.shape().length != 2 || targets.shape()[1] != task.numClasses) {
                throw new IllegalArgumentException("spec.task.numClasses: declared " + task.numClasses + " labels but "
                        + targets.source() + " has targets of shape " + Arrays.toString(targets.shape()));
            }
            for (int i = 0; i < targets.values().length; i++) {
                float v = targets.values()[i];
                if (v != 0f && v != 1f) {
                    throw new IllegalArgumentException(targets.source() + ": multi-label targets must be 0 or 1, example "
                            + i / task.numClasses + " has " + v);
                }
            }
        }
        if (task.type == TaskType.DENSE) {
            long[] out = Arrays.copyOfRange(targets.shape(), 1, targets.shape().length);
            long[] want = task.outputShape.stream().mapToLong(Long::longValue).toArray();
            if (!Arrays.equals(out, want)) {
                throw new IllegalArgumentException("spec.task.outputShape: declared " + task.outputShape + " but "
                        + targets.source() + " has targets of shape " + Arrays.toString(out));
            }
        }
    }

    private static DataArray withShape(DataArray a, java.util.List<Long> perExample) {
        long[] shape = new long[perExample.size() + 1];
        shape[0] = a.examples();
        for (int i = 0; i < perExample.size(); i++) {
            shape[i + 1] = perExample.get(i);
        }
        return new DataArray(a.source(), shape, a.values());
    }
}
