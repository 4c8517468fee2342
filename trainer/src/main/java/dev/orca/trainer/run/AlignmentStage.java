package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.cluster.KMeans;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.ot.DatasetDistance;
import dev.orca.trainer.ot.EuclideanDistance;
import dev.orca.trainer.ot.MmdDistance;
import dev.orca.trainer.ot.OtddDistance;
import dev.orca.trainer.ot.OtddSource;
import dev.orca.trainer.ot.OtddSourceCache;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.source.ProxySources;
import dev.orca.trainer.source.SourceFeatures;
import dev.orca.trainer.task.TaskEmbedder;
import dev.orca.trainer.train.EmbedderAlignment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Stage 2: the proxy source prepared as a {@link DatasetDistance}, the target's labels (or k-means pseudo-labels), and
 * the embedder trained towards the source ({@link EmbedderAlignment}).
 */
final class AlignmentStage {
    private AlignmentStage() {}

    /**
     * What an alignment leaves: the distance after each epoch, and for a convolutional task embedder its
     * {@link TaskEmbedder.Statistics} before the first epoch and after each (the epochs this process ran: a resumed
     * alignment's trace starts where it resumed; empty for a vision body's own embedder).
     */
    record Outcome(java.util.List<Double> curve, java.util.List<TaskEmbedder.Statistics> trace) {}

    /** Trains the embedder. */
    static Outcome run(RunPlan plan, PreparedRun run, NDManager manager, ProgressSink progress) {
        DatasetDistance distance = proxyDistance(plan, manager, run.architecture());
        int[] labels = labels(plan, run.trainY(), distance);
        java.util.List<TaskEmbedder.Statistics> trace = new java.util.ArrayList<>();
        var embedder = run.architecture().embedder();
        java.util.List<Double> curve = new EmbedderAlignment(embedder, run.model().embedderParameters(), distance,
                plan.alignment(), run.checkpoints(), progress)
                .observingEachEpoch(epoch -> {
                    if (embedder instanceof TaskEmbedder task) {
                        trace.add(task.statistics(epoch));
                    }
                })
                .run(run.trainX(), labels);
        return new Outcome(curve, java.util.List.copyOf(trace));
    }

    /**
     * Writes what an OTDD alignment compares in its first epoch, in the layout of the shared OTDD reference case:
     * the proxy source's features and labels ({@code src_X.npy}, {@code src_y.npy}) and the initial embedder's features
     * of the first epoch's class-wise batches ({@code tgt_X.npy (T, n, D)}, n the smallest batch).
     */
    static void writeFirstEpochFeatures(RunPlan plan, PreparedRun run, NDManager manager, Path dir) {
        if (!(proxyDistance(plan, manager, run.architecture()) instanceof OtddDistance otdd)) {
            throw new IllegalArgumentException("spec.alignment.metric: the features are written for OTDD alignments only");
        }
        int[] labels = labels(plan, run.trainY(), otdd);
        var batches = EmbedderAlignment.epochBatches(labels, plan.alignment(), 0);
        int n = batches.stream().mapToInt(b -> b.indices().length).min().orElseThrow();
        NDList perClass = new NDList();
        for (var batch : batches) {
            NDArray x = run.trainX().get(manager.create(Arrays.copyOf(batch.indices(), n)));
            perClass.add(EmbedderAlignment.features(run.architecture().embedder(), run.store(), x, false));
        }
        NDArray targets = NDArrays.stack(perClass);
        writeSource(otdd, dir);
        Npy.write(dir.resolve("tgt_X.npy"), new DataArray("tgt_X", targets.getShape().getShape(), targets.toFloatArray()));
    }

    /** An OTDD alignment's proxy source as {@code src_X.npy (N, D)} and {@code src_y.npy (N)} in {@code dir} (made if absent). */
    static void writeSource(OtddDistance otdd, Path dir) {
        NDArray source = otdd.source().features();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Npy.write(dir.resolve("src_X.npy"), new DataArray("src_X", source.getShape().getShape(), source.toFloatArray()));
        Npy.write(dir.resolve("src_y.npy"), DataArray.ofLabels("src_y", otdd.source().labels()));
    }

    /**
     * The proxy source: {@code file:<npz>} with ready features {@code x (N, D)} and labels {@code y}, or a dataset
     * of the body's modality that the architecture embeds with the body's own embedding layer (cached across experiments).
     */
    static DatasetDistance proxyDistance(RunPlan plan, NDManager manager, Architecture architecture) {
        OrcaExperimentSpec spec = plan.spec();
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
            case MMD -> new MmdDistance(features);
            case EUCLIDEAN -> new EuclideanDistance(features);
            case OTDD_EXACT, OTDD_GAUSSIAN -> new OtddDistance(OtddSource.prepare(features, labels, plan.otdd(),
                    new OtddSourceCache(ProxySources.cacheDirectory().resolve("otdd"))));
        };
    }

    /** Class labels, or for dense and multi-label tasks k-means pseudo-labels of the flattened targets. */
    static int[] labels(RunPlan plan, NDArray trainY, DatasetDistance distance) {
        OrcaExperimentSpec spec = plan.spec();
        if (spec.task.type == TaskType.CLASSIFICATION) {
            return Arrays.stream(trainY.toLongArray()).mapToInt(l -> (int) l).toArray();
        }
        int k = spec.alignment.pseudoLabels != null ? spec.alignment.pseudoLabels
                : distance instanceof OtddDistance o ? o.source().classCount() : 10;
        NDArray flat = trainY.reshape(trainY.getShape().get(0), -1);
        return KMeans.fit(flat, Math.min(k, (int) flat.getShape().get(0)), spec.seed, 100, 1e-4).assignments();
    }
}
