package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.crd.TrainerStage;
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
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.report.RunReport;
import dev.orca.trainer.source.ProxySources;
import dev.orca.trainer.source.SourceFeatures;
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

    /** What {@code trial.json} holds: the validation metric after each epoch trained so far (index epoch - 1). */
    public record TrialResult(String metric, List<Double> validation) {
        /** The figure at the end of epoch {@code epoch} (1-based). */
        public double at(int epoch) {
            Double v = epoch <= validation.size() ? validation.get(epoch - 1) : null;
            if (v == null) {
                throw new IllegalStateException("no validation figure for epoch " + epoch);
            }
            return v;
        }
    }

    /** What {@code alignment.json} holds: the alignment distance per epoch. */
    public record AlignmentResult(String body, String metric, List<Double> curve, double seconds) {
        public double last() {
            return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1);
        }
    }

    /**
     * Declared before the run's manager, so closed after it (resources close in reverse order): once its tensors are freed, the allocator
     * returns their pages, so that runs in one process do not stack their peaks.
     */
    private static final class NativeRelease implements AutoCloseable {
        @Override
        public void close() {
            dev.orca.trainer.nd.NativeMemory.release();
        }
    }

    /** The pieces every kind of run builds first. */
    private record Setup(TaskData data, SeededDropout dropout, Architecture architecture, OrcaModel model, ParameterStore store,
                         RunCheckpoint checkpoints, NDArray trainX, NDArray trainY) {}

    /**
     * {@code kind} names the run for its directory's identity ({@link RunIdentity}): a directory holding another run's
     * files is not resumed from. Null for a directory that is not a run's (the alignment-feature dump).
     */
    private static Setup setup(OrcaExperimentSpec spec, Path out, NDManager manager, ProgressSink progress, String kind) {
        if (kind != null) {
            RunIdentity.claim(out, RunIdentity.of(kind, spec))
                    .ifPresent(message -> progress.accept(ProgressEvent.of(TrainerStage.PREPARING, message)));
        }
        // Initialisation of the embedder and heads draws from the engine's generator: seed it.
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) spec.seed);
        progress.accept(ProgressEvent.of(TrainerStage.PREPARING, "loading data and " + spec.body.checkpoint));
        TaskData data = TaskData.load(spec, manager);
        SeededDropout dropout = new SeededDropout(spec.seed, (float) spec.finetune.dropout);
        Architecture architecture = Architecture.of(spec, manager, dropout);
        return new Setup(data, dropout, architecture, architecture.model(), new ParameterStore(manager, false),
                new RunCheckpoint(new RunDirectory(out).checkpoints()), data.x().get(rows(manager, data.splits().train())),
                data.y().get(rows(manager, data.splits().train())));
    }

    private static List<Double> align(OrcaExperimentSpec spec, Setup s, NDManager manager, ProgressSink progress) {
        AlignmentMetric metric = alignmentMetric(spec, manager, s.architecture());
        int[] labels = alignmentLabels(spec, s.trainY(), metric);
        return new Alignment(s.architecture().embedder(), s.model().embedderParameters(), metric, alignmentSettings(spec),
                s.checkpoints(), progress).run(s.trainX(), labels);
    }

    private static Alignment.Settings alignmentSettings(OrcaExperimentSpec spec) {
        OrcaExperimentSpec.Alignment a = spec.alignment;
        OrcaExperimentSpec.Optimizer o = a.optimizer(spec.finetune);
        return new Alignment.Settings(a.epochs, a.samplesPerClass, a.rounds, kind(o.name), o.lr, o.weightDecay, o.momentum,
                betas(o), Alignment.Settings.OFFICIAL_MILESTONES, Alignment.Settings.OFFICIAL_GAMMA, spec.seed);
    }

    private static FineTuning fineTuning(OrcaExperimentSpec spec, Setup s, ProgressSink progress) {
        OrcaExperimentSpec.Finetune f = spec.finetune;
        return new FineTuning(s.model(), spec.mode.layerNormOnly() ? s.model().layerNormParameters() : s.model().allParameters(),
                loss(spec, s.data()), new FineTuning.Settings(f.epochs, f.batchSize, f.gradientAccumulation, kind(f.optimizer.name),
                f.optimizer.lr, f.optimizer.weightDecay, f.optimizer.momentum, betas(f.optimizer), f.clipNorm,
                f.schedule.warmupEpochs, f.schedule.decayEpochs != null ? f.schedule.decayEpochs : f.epochs, spec.seed),
                s.checkpoints(), s.dropout(), progress);
    }

    public static Result run(OrcaExperimentSpec spec, Path out, ProgressSink progress) {
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            Setup s = setup(spec, out, manager, progress, "run");
            OrcaModel model = s.model();
            TaskData data = s.data();
            ParameterStore store = s.store();
            List<Double> curve = List.of();
            long alignStart = System.nanoTime();
            if (spec.mode.aligns()) {
                curve = align(spec, s, manager, progress);
            }
            double alignSeconds = (System.nanoTime() - alignStart) / 1e9;

            long fineStart = System.nanoTime();
            List<Double> losses = fineTuning(spec, s, progress).run(s.trainX(), s.trainY());
            double fineSeconds = (System.nanoTime() - fineStart) / 1e9;

            progress.accept(ProgressEvent.of(TrainerStage.EVALUATING, "validation and test"));
            double validation = data.splits().validation().length == 0 ? Double.NaN
                    : evaluate(spec, model, store, data, data.splits().validation());
            double test = evaluate(spec, model, store, data, data.splits().test());
            if (Double.isFinite(validation)) {
                progress.accept(ProgressEvent.of(TrainerStage.EVALUATING, "validation done")
                        .withMetric(OrcaExperimentSpec.wireName(spec.task.metric), validation, "validation"));
            }
            Result result = new Result(OrcaExperimentSpec.wireName(spec.mode), spec.body.checkpoint,
                    OrcaExperimentSpec.wireName(spec.task.metric), test, validation, curve, losses, alignSeconds, fineSeconds);
            RunDirectory directory = new RunDirectory(out);
            write(directory.result(), result);
            RunReport.write(directory.report(), new RunReport.Content("Orca: " + out.toAbsolutePath().getFileName(),
                    result.mode(), result.body(), result.metric(), test, validation, curve,
                    spec.mode.aligns() ? OrcaExperimentSpec.wireName(spec.alignment.metric) : "none", losses, alignSeconds, fineSeconds));
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null,
                    null, curve.isEmpty() ? null : curve.get(curve.size() - 1), result.metric(), test, "test", 0L, null));
            return result;
        }
    }

    /**
     * One ASHA rung of a search trial: fine-tunes {@code spec} (already the trial's configuration, its schedule spanning
     * the search's maximum epochs) up to epoch {@code untilEpoch}, resuming from the trial's checkpoint in {@code out}
     * when an earlier rung left one, and measures the validation split after every epoch. The test split is never
     * evaluated. {@code trial.json} keeps the curve across rungs.
     */
    public static TrialResult trial(OrcaExperimentSpec spec, int untilEpoch, Path out, ProgressSink progress) {
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            Setup s = setup(spec, out, manager, progress, "trial");
            int[] validationRows = s.data().splits().validation();
            if (validationRows.length == 0) {
                throw new IllegalArgumentException("spec.task.data.validationFraction: a search ranks trials on the validation split,"
                        + " which is empty (raise validationFraction)");
            }
            String metric = OrcaExperimentSpec.wireName(spec.task.metric);
            Path file = new RunDirectory(out).trial();
            List<Double> curve = new java.util.ArrayList<>(earlierRungs(file, progress));
            ProgressSink recording = event -> {
                if (event.stage() == TrainerStage.FINE_TUNING && "validation".equals(event.split()) && event.epoch() != null) {
                    dev.orca.crd.ProgressReport.putEpoch(curve, event.epoch(), event.metricValue());
                    write(file, new TrialResult(metric, curve));
                }
                progress.accept(event);
            };
            fineTuning(spec, s, recording).stopAfter(untilEpoch)
                    .validateEachEpoch(new FineTuning.EpochValidation(metric,
                            () -> evaluate(spec, s.model(), s.store(), s.data(), validationRows)))
                    .run(s.trainX(), s.trainY());
            if (curve.size() < untilEpoch || curve.get(untilEpoch - 1) == null) {
                // Restarted after the checkpoint of the last epoch but before its figure was written: the model is that epoch's.
                recording.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, untilEpoch, spec.finetune.epochs, 0, Double.NaN,
                        null, 0L).withMetric(metric, evaluate(spec, s.model(), s.store(), s.data(), validationRows), "validation"));
            }
            TrialResult result = new TrialResult(metric, curve.stream().map(v -> v == null ? Double.NaN : v).toList());
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, untilEpoch,
                    spec.finetune.epochs, null, null, null, metric, result.at(untilEpoch), "validation", 0L, null));
            return result;
        }
    }

    /**
     * The validation curve of the trial's earlier rungs. A damaged {@code trial.json} (it is written atomically, so only
     * a fault outside Orca's control makes one) costs the earlier figures, not the trial: this rung's is measured anew.
     */
    private static List<Double> earlierRungs(Path file, ProgressSink progress) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            TrialResult earlier = read(file, TrialResult.class);
            return earlier.validation() == null ? List.of() : earlier.validation();
        } catch (UncheckedIOException e) {
            progress.accept(ProgressEvent.of(TrainerStage.PREPARING, file + " is unreadable (" + e.getCause().getMessage()
                    + "); the earlier rungs' figures are dropped and this rung's is measured again"));
            return List.of();
        }
    }

    /** The alignment stage alone (body selection): the distance per epoch, in {@code alignment.json}. */
    public static AlignmentResult align(OrcaExperimentSpec spec, Path out, ProgressSink progress) {
        if (!spec.mode.aligns()) {
            throw new IllegalArgumentException("spec.mode: " + OrcaExperimentSpec.wireName(spec.mode) + " does not align");
        }
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            Setup s = setup(spec, out, manager, progress, "candidate");
            long start = System.nanoTime();
            List<Double> curve = align(spec, s, manager, progress);
            AlignmentResult result = new AlignmentResult(spec.body.checkpoint, OrcaExperimentSpec.wireName(spec.alignment.metric),
                    curve, (System.nanoTime() - start) / 1e9);
            write(new RunDirectory(out).alignment(), result);
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null, null,
                    result.last(), null, null, null, 0L, null));
            return result;
        }
    }

    /**
     * Writes what an OTDD alignment compares in its first epoch, in the layout of the shared OTDD reference case:
     * the proxy source's features and labels ({@code src_X.npy}, {@code src_y.npy}) and the initial embedder's features
     * of the first epoch's class-wise batches ({@code tgt_X.npy (T, n, D)}, n the smallest batch), so that
     * {@code bench/run otdd-files} can time a real alignment's calls.
     */
    public static void writeAlignmentFeatures(OrcaExperimentSpec spec, Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Setup s = setup(spec, dir, manager, event -> { }, null);
            if (!(alignmentMetric(spec, manager, s.architecture()) instanceof OtddMetric otdd)) {
                throw new IllegalArgumentException("spec.alignment.metric: the features are written for OTDD alignments only");
            }
            int[] labels = alignmentLabels(spec, s.trainY(), otdd);
            var batches = Alignment.epochBatches(labels, alignmentSettings(spec), 0);
            int n = batches.stream().mapToInt(b -> b.indices().length).min().orElseThrow();
            NDList perClass = new NDList();
            for (var batch : batches) {
                NDArray x = s.trainX().get(manager.create(Arrays.copyOf(batch.indices(), n)));
                perClass.add(Alignment.features(s.architecture().embedder(), s.store(), x, false));
            }
            NDArray targets = ai.djl.ndarray.NDArrays.stack(perClass);
            NDArray source = otdd.source().features();
            float[] sourceLabels = new float[otdd.source().size()];
            int[] original = otdd.source().labels();
            for (int i = 0; i < sourceLabels.length; i++) {
                sourceLabels[i] = original[i];
            }
            Files.createDirectories(dir);
            Npy.write(dir.resolve("src_X.npy"), new DataArray("src_X", source.getShape().getShape(), source.toFloatArray()));
            Npy.write(dir.resolve("src_y.npy"), new DataArray("src_y", new long[] {sourceLabels.length}, sourceLabels));
            Npy.write(dir.resolve("tgt_X.npy"), new DataArray("tgt_X", targets.getShape().getShape(), targets.toFloatArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            case OTDD_EXACT, OTDD_GAUSSIAN -> new OtddMetric(OtddSource.prepare(features, labels, otddOptions(spec.alignment),
                    new OtddSourceCache(ProxySources.cacheDirectory().resolve("otdd"))));
        };
    }

    /** The spec's OTDD settings; left at their defaults, the quantity microsoft/otdd computes for ORCA. */
    static OtddOptions otddOptions(OrcaExperimentSpec.Alignment alignment) {
        SinkhornOptions sinkhorn = SinkhornOptions.DEFAULT.withEpsilon(alignment.epsilon).withSchedule(
                alignment.sinkhorn == OrcaExperimentSpec.SinkhornSchedule.CONVERGED
                        ? SinkhornOptions.Schedule.CONVERGED : SinkhornOptions.Schedule.ANNEALED);
        return OtddOptions.DEFAULT.withSinkhorn(sinkhorn)
                .withLabelCost(alignment.metric == OrcaExperimentSpec.AlignmentMetric.OTDD_GAUSSIAN
                        ? OtddOptions.LabelCost.GAUSSIAN : OtddOptions.LabelCost.EXACT)
                .withCostWeight(alignment.pointCost == OrcaExperimentSpec.OtddPointCost.FULL ? 1 : OtddOptions.GEOMLOSS_WEIGHT)
                .withLabelGradient(alignment.labelGradient);
    }

    /**
     * Removes an earlier run's directory, so that the next run on it starts over instead of resuming from its
     * checkpoints (the demo and the reproduction harness want fresh runs).
     */
    public static void startFresh(Path out) {
        dev.orca.trainer.io.FileTrees.delete(out);
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

    private static FineTuning.LossFunction loss(OrcaExperimentSpec spec, TaskData data) {
        OrcaExperimentSpec.Loss chosen = spec.task.loss != null ? spec.task.loss : switch (spec.task.type) {
            case CLASSIFICATION -> OrcaExperimentSpec.Loss.CROSS_ENTROPY;
            case MULTILABEL -> OrcaExperimentSpec.Loss.BINARY_CROSS_ENTROPY;
            case DENSE -> OrcaExperimentSpec.Loss.MSE;
        };
        return switch (chosen) {
            case CROSS_ENTROPY -> Losses::crossEntropy;
            case BINARY_CROSS_ENTROPY -> spec.task.positiveWeight == null ? Losses::binaryCrossEntropySum
                    : (out, y) -> Losses.binaryCrossEntropyMean(out, y, spec.task.positiveWeight);
            case MSE -> Losses::meanSquaredError;
            case RELATIVE_L2 -> (out, y) -> Losses.relativeL2(out, y, data.targetStd(), data.targetMean());
            case FOCAL -> (out, y) -> Losses.focal(out, y, spec.task.focalGamma, 1);
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
            case ONE_MINUS_AUROC -> spec.task.type != TaskType.DENSE ? TaskMetrics.oneMinusAuroc(predictions, targets)
                    : data.ignore() != null ? TaskMetrics.cosmicOneMinusAuroc(predictions, targets, ignoreRows(data, rows, targets))
                    : TaskMetrics.oneMinusAuroc(column(predictions), column(targets)); // every pixel one example
            case ONE_MINUS_MAP -> data.clips() == null ? TaskMetrics.oneMinusMap(predictions, targets)
                    : TaskMetrics.oneMinusMapPerClip(predictions, targets, Arrays.stream(rows).map(r -> data.clips()[r]).toArray());
            case MAE8 -> TaskMetrics.mae8(predictions, targets);
            case RELATIVE_L2 -> TaskMetrics.relativeL2(predictions, targets);
            case NLL -> TaskMetrics.nll(predictions, targets);
        };
    }

    /** The ignore mask of the evaluated rows, in the targets' layout. */
    private static float[][] ignoreRows(TaskData data, int[] rows, float[][] targets) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            int width = targets[i].length;
            out[i] = Arrays.copyOfRange(data.ignore(), rows[i] * width, (rows[i] + 1) * width);
        }
        return out;
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

    private static double[] betas(OrcaExperimentSpec.Optimizer o) {
        return new double[] {o.betas.get(0), o.betas.get(1)};
    }

    private static Optimizer.Kind kind(OrcaExperimentSpec.OptimizerName name) {
        return switch (name) {
            case SGD -> Optimizer.Kind.SGD;
            case ADAM -> Optimizer.Kind.ADAM;
            case ADAMW -> Optimizer.Kind.ADAMW;
        };
    }

    private static void write(Path file, Object result) {
        dev.orca.trainer.io.AtomicFiles.writeJson(file, result);
    }

    public static <T> T read(Path file, Class<T> type) {
        try {
            return new ObjectMapper().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature())
                    .readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
