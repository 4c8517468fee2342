package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.data.Cifar;
import dev.orca.trainer.data.Csv;
import dev.orca.trainer.data.DarcyFlow;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Idx;
import dev.orca.trainer.data.JsbChorales;
import dev.orca.trainer.data.SphericalProjection;
import dev.orca.trainer.data.ListOps;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.data.Splits;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

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
        DataArray inputs;
        DataArray targets;
        DataArray ignore = null;
        DataArray clips = null;
        Integer fixedTrain = null;
        Integer fixedTest = null;
        Splits shipped = null;
        if (data.generator != null) {
            OrcaExperimentSpec.Generator g = data.generator;
            int samples = g.samples == null ? 1000 : g.samples;
            switch (g.name) {
                case "listops" -> {
                    int length = g.resolution == null ? 128 : g.resolution;
                    int depth = Integer.parseInt(g.options.getOrDefault("maxDepth", "6"));
                    int args = Integer.parseInt(g.options.getOrDefault("maxArgs", "5"));
                    int minLength = Integer.parseInt(g.options.getOrDefault("minLength", Integer.toString(Math.max(5, length / 4))));
                    ListOps.Samples s = ListOps.generate(samples, depth, args, minLength, length, spec.seed);
                    inputs = oneHot(s.tokens(), ListOps.VOCABULARY);
                    targets = s.labels();
                }
                case "darcy-flow" -> {
                    DarcyFlow.Samples s = DarcyFlow.generate(samples, g.resolution == null ? 85 : g.resolution, spec.seed);
                    inputs = s.coefficients();
                    targets = s.solutions();
                }
                case "spherical-mnist", "spherical-fashion-mnist" -> {
                    String images = g.options.get("images");
                    String labels = g.options.get("labels");
                    if (images == null && g.name.equals("spherical-fashion-mnist")) {
                        images = FASHION_MNIST + "train-images-idx3-ubyte.gz";
                        labels = labels != null ? labels : FASHION_MNIST + "train-labels-idx1-ubyte.gz";
                    }
                    if (images == null || labels == null) {
                        throw new IllegalArgumentException("spec.task.data.generator.options: " + g.name
                                + " needs options images and labels (IDX files of the planar set)");
                    }
                    DataArray planar = Idx.read(volumePath(images));
                    DataArray planarLabels = Idx.read(volumePath(labels));
                    int n = (int) Math.min(samples, planar.examples());
                    int bandwidth = (g.resolution == null ? 60 : g.resolution) / 2;
                    inputs = SphericalProjection.project(firstRows(planar, n), bandwidth, spec.seed, true);
                    targets = firstRows(planarLabels, n);
                }
                default -> throw new IllegalArgumentException("spec.task.data.generator.name: " + g.name
                        + " is not available in this build (listops, darcy-flow, spherical-mnist, spherical-fashion-mnist are)");
            }
        } else if ("json".equals(data.files.format)) {
            // JSB Chorales: the file carries the paper's train / valid / test split, used as it is.
            Path file = volumePath(data.files.train);
            int context = task.inputShape.size() == 2 ? (int) (long) task.inputShape.get(1) : 1;
            JsbChorales.NextFrame[] parts = new JsbChorales.NextFrame[3];
            String[] names = {"train", "valid", "test"};
            for (int i = 0; i < 3; i++) {
                parts[i] = JsbChorales.nextFrameExamples(JsbChorales.read(file, names[i]), context, file + " [" + names[i] + "]");
            }
            inputs = concat(concat(parts[0].context(), parts[1].context()), parts[2].context());
            targets = concat(concat(parts[0].next(), parts[1].next()), parts[2].next());
            shipped = Splits.fixed((int) parts[0].next().examples(), (int) parts[1].next().examples(),
                    (int) parts[2].next().examples());
        } else {
            OrcaExperimentSpec.Files f = data.files;
            DataArray[] train = readFiles(f.train, f.trainLabels, f.format, "spec.task.data.files.train");
            inputs = train[0];
            targets = train[1];
            ignore = train[2];
            clips = train[3];
            if (f.test != null) {
                DataArray[] test = readFiles(f.test, f.testLabels, f.format, "spec.task.data.files.test");
                fixedTrain = (int) inputs.examples();
                fixedTest = (int) test[0].examples();
                inputs = concat(inputs, test[0]);
                targets = concat(targets, test[1]);
                if ((ignore == null) != (test[2] == null) || (clips == null) != (test[3] == null)) {
                    throw new IllegalArgumentException("spec.task.data.files: the train and test files must both hold, or both"
                            + " lack, the arrays ignore and clip");
                }
                ignore = ignore == null ? null : concat(ignore, test[2]);
                clips = clips == null ? null : concat(clips, test[3]);
            }
        }
        check(spec, inputs, targets);
        checkExtras(targets, ignore, clips);
        inputs = withShape(inputs, task.inputShape);
        int n = (int) inputs.examples();
        Splits splits = shipped != null ? shipped : fixedTrain != null
                ? Splits.withFixedTest(fixedTrain, fixedTest, data.validationFraction, spec.seed)
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

    /** Debian's dataset-fashion-mnist package. */
    static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist/";

    /**
     * {@code pvc://<claim>/<path>} is the claim mounted at {@code /data} in the trainer pod (or, for local runs of
     * cluster specs, at {@code orca.dataDir} / {@code $ORCA_DATA_DIR}); anything else is a local path.
     */
    static Path volumePath(String location) {
        if (!location.startsWith("pvc://")) {
            return Path.of(location);
        }
        String root = System.getProperty("orca.dataDir", System.getenv().getOrDefault("ORCA_DATA_DIR", "/data"));
        return Path.of(root, location.substring("pvc://".length()).replaceFirst("^[^/]+/", ""));
    }

    /** {x, y, ignore or null, clip or null}: only npz carries the optional arrays. */
    private static DataArray[] readFiles(String location, String labelsLocation, String format, String field) {
        Path path = volumePath(location);
        if (("idx".equals(format) || "npy".equals(format)) && labelsLocation == null) {
            throw new IllegalArgumentException(field + "Labels: format " + format + " keeps targets in a file of their own; name it");
        }
        return switch (format) {
            case "npy" -> new DataArray[] {Npy.read(path), Npy.read(volumePath(labelsLocation)), null, null};
            case "idx" -> new DataArray[] {Idx.read(path), Idx.read(volumePath(labelsLocation)), null, null};
            case "npz" -> {
                Map<String, DataArray> arrays = Npy.readArchive(path);
                DataArray x = arrays.get("x");
                DataArray y = arrays.get("y");
                if (x == null || y == null) {
                    throw new IllegalArgumentException(field + ": " + path + " must hold arrays x and y, has " + arrays.keySet());
                }
                yield new DataArray[] {x, y, arrays.get("ignore"), arrays.get("clip")};
            }
            case "csv" -> {
                Csv.Table t = Csv.read(path, -1);
                yield new DataArray[] {t.features(), t.labels(), null, null};
            }
            case "cifar" -> {
                Cifar.Batch b = Cifar.read(path, false);
                yield new DataArray[] {b.images(), b.labels(), null, null};
            }
            default -> throw new IllegalArgumentException("spec.task.data.files.format: " + format
                    + " is not a known format (npz, npy, idx, csv, cifar, json)");
        };
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

    private static DataArray firstRows(DataArray a, int n) {
        long[] shape = a.shape().clone();
        int width = (int) (a.values().length / Math.max(1, a.examples()));
        shape[0] = n;
        return new DataArray(a.source(), shape, Arrays.copyOf(a.values(), n * width));
    }

    private static DataArray oneHot(DataArray tokens, int vocabulary) {
        int n = (int) tokens.shape()[0];
        int length = (int) tokens.shape()[1];
        float[] out = new float[n * vocabulary * length];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < length; t++) {
                int v = (int) tokens.values()[i * length + t];
                out[(i * vocabulary + v) * length + t] = 1f;
            }
        }
        return new DataArray(tokens.source() + " (one-hot)", new long[] {n, vocabulary, length}, out);
    }

    private static DataArray concat(DataArray a, DataArray b) {
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
