package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.data.Cifar;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.nn.SeededDropout;
import dev.orca.trainer.source.LabelledText;
import dev.orca.trainer.source.SourceFeatures;
import dev.orca.trainer.source.TextSources;
import dev.orca.trainer.task.ClassificationHead;
import dev.orca.trainer.task.DenseHead;
import dev.orca.trainer.task.PatchGeometry;
import dev.orca.trainer.task.Resize2d;
import dev.orca.trainer.task.TaskEmbedder;
import dev.orca.trainer.vision.VisionBody;
import dev.orca.trainer.vision.VisionCheckpoints;
import dev.orca.trainer.vision.VisionDenseHead;
import dev.orca.trainer.vision.VisionTaskEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Stage 1 for one experiment: the task embedder {@code f}, the pretrained body {@code g} and the predictor
 * {@code h} as one {@link OrcaModel}, and how this body embeds its modality's proxy source (text bodies:
 * sentences through their own embedding layer; vision bodies: CIFAR-10 through their own patch embedding).
 *
 * @param model    f, g and h
 * @param embedder f alone (stage 2 trains it)
 * @param source   the proxy source's features for a dataset reference of this body's modality
 */
public record Architecture(OrcaModel model, Block embedder, SourceEmbedding source) {

    /** Embeds {@code spec.source} (already known not to be a {@code file:} of ready features). */
    @FunctionalInterface
    public interface SourceEmbedding {
        SourceFeatures.Embedded embed(OrcaExperimentSpec spec, NDManager manager);
    }

    /** ImageNet statistics, which the pretrained vision bodies expect of their inputs. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public static Architecture of(OrcaExperimentSpec spec, NDManager manager, SeededDropout dropout) {
        Optional<Path> vision = BodyCheckpoints.directory(spec.body.checkpoint).filter(VisionCheckpoints::isVision);
        return vision.isPresent() ? vision(spec, VisionCheckpoints.load(vision.get()), manager, dropout) : text(spec, manager, dropout);
    }

    static Shape oneExample(OrcaExperimentSpec spec) {
        long[] one = new long[spec.task.inputShape.size() + 1];
        one[0] = 1;
        for (int i = 0; i < spec.task.inputShape.size(); i++) {
            one[i + 1] = spec.task.inputShape.get(i);
        }
        return new Shape(one);
    }

    private static Block classifier(OrcaExperimentSpec spec) {
        return new ClassificationHead(spec.task.numClasses, "cls".equals(spec.body.pooling)
                ? ClassificationHead.Pooling.CLS : ClassificationHead.Pooling.MEAN);
    }

    private static Architecture text(OrcaExperimentSpec spec, NDManager manager, SeededDropout dropout) {
        BodyCheckpoint checkpoint = BodyCheckpoints.load(spec.body.checkpoint);
        TextBody body = spec.mode == OrcaExperimentSpec.Mode.SCRATCH
                ? PretrainedBodies.createUntrained(checkpoint, manager, dropout)
                : PretrainedBodies.create(checkpoint, manager, dropout);
        List<Long> in = spec.task.inputShape;
        long[] spatial = in.subList(1, in.size()).stream().mapToLong(Long::longValue).toArray();
        PatchGeometry geometry = PatchGeometry.of(spatial,
                Math.min(spec.embedder.targetSequenceLength(), body.config().maxSequenceLength()));
        TaskEmbedder embedder = new TaskEmbedder(geometry, body.config().hidden(),
                spec.embedder.layerNorm == OrcaExperimentSpec.EmbedderLayerNorm.AFTER_POSITIONS
                        ? TaskEmbedder.Order.POSITIONS_THEN_NORM : TaskEmbedder.Order.NORM_THEN_POSITIONS);
        embedder.initialize(manager, DataType.FLOAT32, oneExample(spec));
        // The official embedder_init (utils.py:678-717): an embedder that is aligned starts from conv_init and the body's
        // embedding LayerNorm, one that is not from small truncated-normal weights and a unit LayerNorm.
        java.util.Random init = new java.util.Random(spec.seed);
        if (spec.mode.aligns()) {
            float[][] norm = body.embeddings().layerNorm();
            embedder.initializeForAlignment(init, norm[0], norm[1]);
        } else {
            embedder.initializePlain(init);
        }
        ParameterStore store = new ParameterStore(manager, false);
        embedder.initializePositions(body.embeddings().positionEmbeddings(store, manager, (int) geometry.tokens(), false).squeeze(0));
        Block head = spec.task.type == TaskType.DENSE ? new DenseHead(geometry, (int) (long) spec.task.outputShape.get(0)) : classifier(spec);
        OrcaModel model = new OrcaModel(embedder, body.encoder(), head);
        model.initialize(manager, DataType.FLOAT32, oneExample(spec));
        return new Architecture(model, embedder, (s, m) -> textSource(s, body, checkpoint, m));
    }

    private static SourceFeatures.Embedded textSource(OrcaExperimentSpec spec, TextBody body, BodyCheckpoint checkpoint, NDManager manager) {
        String dataset = spec.source.dataset;
        if (!(dataset.startsWith("conll2003:") || dataset.startsWith("tsv:") || dataset.equals("bundled:brown-corpus"))) {
            throw new IllegalArgumentException("spec.source.dataset: '" + dataset + "' is not a text source; a text body takes"
                    + " bundled:brown-corpus, conll2003:<eng.train>, tsv:<file> or file:<npz with x (N, hidden) and y (N)>");
        }
        boolean bundled = dataset.equals("bundled:brown-corpus");
        Path file = bundled ? null : Path.of(dataset.substring(dataset.indexOf(':') + 1));
        String key = spec.body.checkpoint + "|" + (bundled ? "brown-corpus@1.9.80" : fileKey(file)) + "|" + spec.source.samples
                + "|" + spec.seed;
        return SourceFeatures.cached(ExperimentRun.cacheDirectory(), key, () -> {
            List<LabelledText> texts = bundled ? TextSources.brownCorpus()
                    : dataset.startsWith("tsv:") ? TextSources.tsv(file) : TextSources.conll2003(file);
            try (var tokenizer = PretrainedBodies.tokenizer(checkpoint, 128)) {
                return SourceFeatures.embed(body, tokenizer, SourceFeatures.sample(texts, spec.source.samples, spec.seed), manager);
            }
        });
    }

    private static String fileKey(Path file) {
        try {
            return file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new IllegalArgumentException("spec.source.dataset: " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Architecture vision(OrcaExperimentSpec spec, VisionCheckpoints.VisionCheckpoint checkpoint, NDManager manager,
                                       SeededDropout dropout) {
        List<Long> in = spec.task.inputShape;
        if (in.size() != 3) {
            throw new IllegalArgumentException("spec.task.inputShape: " + spec.body.checkpoint + " is a vision body and takes"
                    + " [C, H, W] inputs, got " + in);
        }
        VisionBody body = spec.mode == OrcaExperimentSpec.Mode.SCRATCH
                ? VisionCheckpoints.createUntrained(checkpoint, manager, dropout)
                : VisionCheckpoints.create(checkpoint, manager, dropout);
        int channels = (int) (long) in.get(0);
        int height = (int) (long) in.get(1);
        int width = (int) (long) in.get(2);
        VisionTaskEmbedder embedder = new VisionTaskEmbedder(checkpoint.config(), channels, height, width);
        embedder.initialize(manager, DataType.FLOAT32, oneExample(spec));
        // The official embedder_init (utils.py:678-717): aligned, the pretrained patch projection with its channels tiled and
        // its norm; not aligned, small truncated-normal weights (copying them would hand plain fine-tuning part of ORCA's start).
        if (spec.mode.aligns()) {
            embedder.embeddings().copyFrom(body.embeddings());
        } else {
            embedder.embeddings().initializePlain(new java.util.Random(spec.seed), body.embeddings());
        }
        Block head = spec.task.type == TaskType.DENSE
                ? new VisionDenseHead(checkpoint.config(), body.encoder().outputSide(), (int) (long) spec.task.outputShape.get(0), height, width)
                : classifier(spec);
        OrcaModel model = new OrcaModel(embedder, body.encoder(), head);
        model.initialize(manager, DataType.FLOAT32, oneExample(spec));
        return new Architecture(model, embedder, (s, m) -> cifarSource(s, body, m));
    }

    /** {@code cifar10:<directory of data_batch_*.bin>}: images embedded by the body's own patch embedding, mean over tokens. */
    private static SourceFeatures.Embedded cifarSource(OrcaExperimentSpec spec, VisionBody body, NDManager manager) {
        String dataset = spec.source.dataset;
        if (!dataset.startsWith("cifar10:")) {
            throw new IllegalArgumentException("spec.source.dataset: '" + dataset + "' is not an image source; a vision body takes"
                    + " cifar10:<directory with data_batch_*.bin> or file:<npz with x (N, " + body.config().width() + ") and y (N)>");
        }
        Path dir = Path.of(dataset.substring("cifar10:".length()));
        List<Path> batches = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            if (Files.exists(dir.resolve("data_batch_" + i + ".bin"))) {
                batches.add(dir.resolve("data_batch_" + i + ".bin"));
            }
        }
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("spec.source.dataset: " + dir + " holds no data_batch_<n>.bin (the CIFAR-10 binary version)");
        }
        String key = spec.body.checkpoint + "|cifar10|" + batches.stream().map(Architecture::fileKey).toList() + "|" + spec.source.samples;
        return SourceFeatures.cached(ExperimentRun.cacheDirectory(), key, () -> {
            List<float[]> images = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            for (Path batch : batches) {
                Cifar.Batch b = Cifar.read(batch, false);
                int n = (int) b.images().examples();
                int[] y = b.labels().asLabels();
                for (int i = 0; i < n && images.size() < spec.source.samples; i++) {
                    images.add(Arrays.copyOfRange(b.images().values(), i * 3072, (i + 1) * 3072));
                    labels.add(y[i]);
                }
            }
            int image = body.config().imageSize();
            Resize2d resize = new Resize2d(32, 32, image, image);
            resize.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            ParameterStore store = new ParameterStore(manager, false);
            long d = body.config().width();
            float[] features = new float[(int) (images.size() * d)];
            for (int from = 0; from < images.size(); from += 64) {
                int to = Math.min(images.size(), from + 64);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    float[] chunk = new float[(to - from) * 3072];
                    for (int i = from; i < to; i++) {
                        float[] px = images.get(i);
                        for (int c = 0; c < 3; c++) {
                            for (int p = 0; p < 1024; p++) {
                                chunk[(i - from) * 3072 + c * 1024 + p] = (px[c * 1024 + p] / 255f - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
                            }
                        }
                    }
                    NDArray x = resize.forward(store, new NDList(manager.create(chunk, new Shape(to - from, 3, 32, 32))), false)
                            .singletonOrThrow();
                    NDArray tokens = body.embeddings().forward(store, new NDList(x), false).singletonOrThrow();
                    System.arraycopy(tokens.mean(new int[] {1}).toFloatArray(), 0, features, (int) (from * d), (int) ((to - from) * d));
                }
            }
            return new SourceFeatures.Embedded(features, d, labels.stream().mapToInt(Integer::intValue).toArray());
        });
    }
}
