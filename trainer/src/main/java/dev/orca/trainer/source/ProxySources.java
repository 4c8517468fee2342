package dev.orca.trainer.source;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.data.Cifar;
import dev.orca.trainer.task.Resize2d;
import dev.orca.trainer.vision.VisionBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The proxy source datasets of stage 2, embedded by the body's own embedding layer (text bodies: sentences through
 * their word embeddings; vision bodies: CIFAR-10 through their patch embedding), mean-pooled to one vector per example,
 * and cached across experiments under {@link #cacheDirectory()}.
 */
public final class ProxySources {
    private ProxySources() {}

    /** ImageNet statistics, which the pretrained vision bodies expect of their inputs. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** Shared across experiments: {@code orca.cacheDir}, {@code $ORCA_CACHE_DIR}, else {@code ~/.cache/orca}. */
    public static Path cacheDirectory() {
        String dir = System.getProperty("orca.cacheDir", System.getenv(dev.orca.crd.TrainerCommand.ENV_CACHE_DIR));
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "orca");
    }

    public static SourceFeatures.Embedded text(OrcaExperimentSpec spec, TextBody body, BodyCheckpoint checkpoint, NDManager manager) {
        String dataset = spec.source.dataset;
        if (!(dataset.startsWith("conll2003:") || dataset.startsWith("tsv:") || dataset.equals("bundled:brown-corpus"))) {
            throw new IllegalArgumentException("spec.source.dataset: '" + dataset + "' is not a text source; a text body takes"
                    + " bundled:brown-corpus, conll2003:<eng.train>, tsv:<file> or file:<npz with x (N, hidden) and y (N)>");
        }
        boolean bundled = dataset.equals("bundled:brown-corpus");
        Path file = bundled ? null : Path.of(dataset.substring(dataset.indexOf(':') + 1));
        String key = spec.body.checkpoint + "|" + (bundled ? "brown-corpus@1.9.80" : fileKey(file)) + "|" + spec.source.samples
                + "|" + spec.seed;
        return SourceFeatures.cached(cacheDirectory(), key, () -> {
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

    /** {@code cifar10:<directory of data_batch_*.bin>}: images embedded by the body's own patch embedding, mean over tokens. */
    public static SourceFeatures.Embedded cifar(OrcaExperimentSpec spec, VisionBody body, NDManager manager) {
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
        String key = spec.body.checkpoint + "|cifar10|" + batches.stream().map(ProxySources::fileKey).toList() + "|" + spec.source.samples;
        return SourceFeatures.cached(cacheDirectory(), key, () -> {
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
