package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.cluster.KMeans;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.eval.TaskMetrics;
import dev.orca.trainer.nn.SeededDropout;
import dev.orca.trainer.ot.AlignmentMetric;
import dev.orca.trainer.ot.EuclideanMetric;
import dev.orca.trainer.ot.MmdMetric;
import dev.orca.trainer.ot.OtddMetric;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.OtddSource;
import dev.orca.trainer.ot.OtddSourceCache;
import dev.orca.trainer.ot.SinkhornOptions;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.source.SourceFeatures;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.report.RunReport;
import dev.orca.trainer.train.Alignment;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.Losses;
import dev.orca.trainer.train.Optimizer;
import dev.orca.trainer.train.RunCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One experiment end to end: data, architecture, alignment (modes that align), fine-tuning, evaluation
 * on validation and test, {@code result.json} in the output directory. Checkpoints go to
 * {@code <out>/checkpoints}; running again on the same directory resumes.
 */
public final class ExperimentRun {
    private ExperimentRun() {}

    /** What {@code result.json} holds. */
    public record Result(String mode, String body, String metric, double test, double validation,
                         List<Double> alignmentCurve, List<Double> trainingLoss, double alignmentSeconds,
                         double fineTuningSeconds) {}

    public static Result run(OrcaExperimentSpec spec, Path out, ProgressSink progress) {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Initialisation of the embedder and heads draws from the engine's generator: seed it.
            ai.djl.engine.Engine.getInstance().setRandomSeed((int) spec.seed);
            progress.accept(ProgressEvent.of(ProgressEvent.Stage.PREPARING, "loading data and " + spec.body.checkpoint));
            TaskData data = TaskData.load(spec, manager);
            SeededDropout dropout = new SeededDropout(spec.seed);
            Architecture architecture = Architecture.of(spec, manager, dropout);
            OrcaModel model = architecture.model();
            ParameterStore store = new ParameterStore(manager, false);
            RunCheckpoint checkpoints = new RunCheckpoint(out.resolve("checkpoints"));

            NDArray trainX = data.x().get(rows(manager, data.splits().train()));
            NDArray trainY = data.y().get(rows(manager, data.splits().train()));
            List<Double> curve = List.of();
            long alignStart = System.nanoTime();
            if (spec.mode.aligns()) {
                AlignmentMetric metric = alignmentMetric(spec, manager, architecture);
                int[] labels = alignmentLabels(spec, trainY, metric);
                OrcaExperimentSpec.Alignment a = spec.alignment;
                curve = new Alignment(architecture.embedder(), model.embedderParameters(), metric,
                        new Alignment.Settings(a.epochs, a.samplesPerClass, a.rounds, kind(a.optimizer.name), a.optimizer.lr,
                                a.optimizer.weightDecay, 20, 0.2, spec.seed), checkpoints, progress).run(trainX, labels);
            }
            double alignSeconds = (System.nanoTime() - alignStart) / 1e9;

            OrcaExperimentSpec.Finetune f = spec.finetune;
            long fineStart = System.nanoTime();
            List<Double> losses = new FineTuning(model, spec.mode.layerNormOnly() ? model.layerNormParameters() : model.allParameters(),
                    loss(spec), new FineTuning.Settings(f.epochs, f.batchSize, f.gradientAccumulation, kind(f.optimizer.name),
                            f.optimizer.lr, f.optimizer.weightDecay, f.optimizer.momentum, f.clipNorm, f.schedule.warmupEpochs,
                            spec.seed), checkpoints, dropout, progress).run(trainX, trainY);
            double fineSeconds = (System.nanoTime() - fineStart) / 1e9;

            progress.accept(ProgressEvent.of(ProgressEvent.Stage.EVALUATING, "validation and test"));
            double validation = data.splits().validation().length == 0 ? Double.NaN
                    : evaluate(spec, model, store, data, data.splits().validation());
            double test = evaluate(spec, model, store, data, data.splits().test());
            if (Double.isFinite(validation)) {
                progress.accept(ProgressEvent.of(ProgressEvent.Stage.EVALUATING, "validation done")
                        .withMetric(OrcaExperimentSpec.wireName(spec.task.metric), validation, "validation"));
            }
            Result result = new Result(OrcaExperimentSpec.wireName(spec.mode), spec.body.checkpoint,
                    OrcaExperimentSpec.wireName(spec.task.metric), test, validation, curve, losses, alignSeconds, fineSeconds);
            write(out.resolve("result.json"), result);
            RunReport.write(out.resolve("report.html"), new RunReport.Content("Orca: " + out.toAbsolutePath().getFileName(),
                    result.mode(), result.body(), result.metric(), test, validation, curve,
                    spec.mode.aligns() ? OrcaExperimentSpec.wireName(spec.alignment.metric) : "none", losses, alignSeconds, fineSeconds));
            progress.accept(new ProgressEvent(System.currentTimeMillis(), ProgressEvent.Stage.SUCCEEDED, null, null, null,
                    null, curve.isEmpty() ? null : curve.get(curve.size() - 1), result.metric(), test, "test", 0L, null));
            return result;
        }
    }

    /**
     * The proxy source: {@code file:<npz>} with ready features {@code x (N, D)} and labels {@code y}, or a dataset
     * of the body's modality that the architecture embeds with the body's own embedding layer (cached across experiments).
     */
    private static AlignmentMetric alignmentMetric(OrcaExperimentSpec spec, NDManager manager, Architecture architecture) {
        String dataset = spec.source.dataset;
        NDArray features;
        int[] labels;
        if (dataset.startsWith("file:")) {
            Map<String, DataArray> arrays = Npy.readArchive(Path.of(dataset.substring("file:".length())));
            DataArray x = arrays.get("x");
            DataArray y = arrays.get("y");
            long width = architecture.embedder().getOutputShapes(new Shape[] {Architecture.oneExample(spec)})[0].get(2);
            if (x == null || y == null || x.shape().length != 2 || x.shape()[1] != width) {
                throw new IllegalArgumentException("spec.source.dataset: " + dataset + " must hold x (N, " + width + ") and y (N)");
            }
            int n = (int) Math.min(spec.source.samples, x.examples());
            features = manager.create(x.values(), new Shape(x.shape())).get("0:" + n);
            labels = Arrays.copyOf(y.asLabels(), n);
        } else {
            SourceFeatures.Embedded embedded = architecture.source().embed(spec, manager);
            features = embedded.features(manager);
            labels = embedded.labels();
        }
        return switch (spec.alignment.metric) {
            case MMD -> new MmdMetric(features);
            case EUCLIDEAN -> new EuclideanMetric(features);
            case OTDD_EXACT, OTDD_GAUSSIAN -> new OtddMetric(OtddSource.prepare(features, labels,
                    new OtddOptions(SinkhornOptions.DEFAULT.withEpsilon(spec.alignment.epsilon), 1, 1,
                            spec.alignment.metric == OrcaExperimentSpec.AlignmentMetric.OTDD_EXACT
                                    ? OtddOptions.LabelCost.EXACT : OtddOptions.LabelCost.GAUSSIAN, true),
                    new OtddSourceCache(cacheDirectory().resolve("otdd"))));
        };
    }

    /**
     * Removes an earlier run's directory, so that the next run on it starts over instead of resuming from its
     * checkpoints (the demo and the reproduction harness want fresh runs).
     */
    public static void startFresh(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        try (var paths = Files.walk(out)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + out, e);
        }
    }

    /** Shared across experiments: {@code orca.cacheDir}, {@code $ORCA_CACHE_DIR}, else {@code ~/.cache/orca}. */
    static Path cacheDirectory() {
        String dir = System.getProperty("orca.cacheDir", System.getenv("ORCA_CACHE_DIR"));
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "orca");
    }

    /** Class labels, or for dense and multi-label tasks k-means pseudo-labels of the flattened targets. */
    private static int[] alignmentLabels(OrcaExperimentSpec spec, NDArray trainY, AlignmentMetric metric) {
        if (spec.task.type == TaskType.CLASSIFICATION) {
            long[] labels = trainY.toLongArray();
            return Arrays.stream(labels).mapToInt(l -> (int) l).toArray();
        }
        int k = spec.alignment.pseudoLabels != null ? spec.alignment.pseudoLabels
                : metric instanceof OtddMetric o ? o.source().classCount() : 10;
        NDArray flat = trainY.reshape(trainY.getShape().get(0), -1);
        return KMeans.fit(flat, Math.min(k, (int) flat.getShape().get(0)), spec.seed, 100, 1e-4).assignments();
    }

    private static FineTuning.LossFunction loss(OrcaExperimentSpec spec) {
        OrcaExperimentSpec.Loss chosen = spec.task.loss != null ? spec.task.loss : switch (spec.task.type) {
            case CLASSIFICATION -> OrcaExperimentSpec.Loss.CROSS_ENTROPY;
            case MULTILABEL -> OrcaExperimentSpec.Loss.BINARY_CROSS_ENTROPY;
            case DENSE -> OrcaExperimentSpec.Loss.MSE;
        };
        return switch (chosen) {
            case CROSS_ENTROPY -> Losses::crossEntropy;
            case BINARY_CROSS_ENTROPY -> Losses::binaryCrossEntropySum;
            case MSE -> Losses::meanSquaredError;
        };
    }

    private static double evaluate(OrcaExperimentSpec spec, OrcaModel model, ParameterStore store, TaskData data, int[] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("spec.task.data: the evaluation split is empty (raise testFraction or give files.test)");
        }
        NDManager manager = data.x().getManager();
        int batch = Math.max(1, spec.finetune.batchSize);
        float[][] predictions = new float[rows.length][];
        float[][] targets = new float[rows.length][];
        for (int from = 0; from < rows.length; from += batch) {
            int to = Math.min(rows.length, from + batch);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray index = rows(manager, Arrays.copyOfRange(rows, from, to));
                NDArray out = model.forward(store, new NDList(data.x().get(index)), false).singletonOrThrow();
                NDArray y = data.y().get(index);
                if (spec.task.type == TaskType.DENSE) {
                    out = out.mul(data.targetStd()).add(data.targetMean());
                    y = y.mul(data.targetStd()).add(data.targetMean());
                }
                float[] o = out.toType(DataType.FLOAT32, false).toFloatArray();
                float[] t = y.toType(DataType.FLOAT32, false).toFloatArray();
                int width = o.length / (to - from);
                int targetWidth = t.length / (to - from);
                for (int i = 0; i < to - from; i++) {
                    predictions[from + i] = Arrays.copyOfRange(o, i * width, (i + 1) * width);
                    targets[from + i] = Arrays.copyOfRange(t, i * targetWidth, (i + 1) * targetWidth);
                }
            }
        }
        return switch (spec.task.metric) {
            case ZERO_ONE_ERROR -> TaskMetrics.zeroOneError(predictions, labels(targets));
            case ONE_MINUS_F1 -> TaskMetrics.oneMinusMacroF1(predictions, labels(targets), spec.task.numClasses);
            case ONE_MINUS_AUROC -> spec.task.type == TaskType.DENSE
                    ? TaskMetrics.oneMinusAuroc(column(predictions), column(targets)) // every pixel one example, as NAS-Bench-360 scores Cosmic
                    : TaskMetrics.oneMinusAuroc(predictions, targets);
            case ONE_MINUS_MAP -> TaskMetrics.oneMinusMap(predictions, targets);
            case MAE8 -> TaskMetrics.mae8(predictions, targets);
            case RELATIVE_L2 -> TaskMetrics.relativeL2(predictions, targets);
            case NLL -> TaskMetrics.nll(predictions, targets);
        };
    }

    private static float[][] column(float[][] rows) {
        return Arrays.stream(rows).flatMap(r -> {
            float[][] out = new float[r.length][];
            for (int i = 0; i < r.length; i++) {
                out[i] = new float[] {r[i]};
            }
            return Arrays.stream(out);
        }).toArray(float[][]::new);
    }

    private static int[] labels(float[][] targets) {
        return Arrays.stream(targets).mapToInt(t -> (int) t[0]).toArray();
    }

    private static NDArray rows(NDManager manager, int[] rows) {
        return manager.create(Arrays.stream(rows).asLongStream().toArray());
    }

    private static Optimizer.Kind kind(OrcaExperimentSpec.OptimizerName name) {
        return switch (name) {
            case SGD -> Optimizer.Kind.SGD;
            case ADAM -> Optimizer.Kind.ADAM;
            case ADAMW -> Optimizer.Kind.ADAMW;
        };
    }

    private static void write(Path file, Result result) {
        try {
            Files.createDirectories(file.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
