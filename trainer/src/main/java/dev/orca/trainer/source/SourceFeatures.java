package dev.orca.trainer.source;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The proxy source as ORCA uses it: texts embedded by the body's own pretrained embedding layer and
 * averaged over their (non-padding) tokens, one feature vector per text. Embedding 5000 sentences is
 * repeated work across experiments on the same body, so results are cached on disk under a key of the
 * body, the source, the sample count and the seed.
 */
public final class SourceFeatures {
    private SourceFeatures() {}

    /** Embedded source: features {@code (n, D)} and labels. */
    public record Embedded(float[] features, long dimension, int[] labels) {
        public NDArray features(NDManager manager) {
            return manager.create(features, new Shape(labels.length, dimension));
        }
    }

    /** A seeded sample of {@code samples} texts (all when there are fewer). */
    public static List<LabelledText> sample(List<LabelledText> texts, int samples, long seed) {
        List<LabelledText> copy = new ArrayList<>(texts);
        Collections.shuffle(copy, new Random(seed));
        return copy.subList(0, Math.min(samples, copy.size()));
    }

    public static Embedded embed(TextBody body, HuggingFaceTokenizer tokenizer, List<LabelledText> texts, NDManager manager) {
        int batch = 64;
        long d = body.config().hidden();
        float[] out = new float[(int) (texts.size() * d)];
        ParameterStore store = new ParameterStore(manager, false);
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batch)).stream().map(LabelledText::text).toList();
            Encoding[] encodings = tokenizer.batchEncode(chunk);
            long[][] ids = new long[encodings.length][];
            long[][] mask = new long[encodings.length][];
            for (int i = 0; i < encodings.length; i++) {
                ids[i] = encodings[i].getIds();
                mask[i] = encodings[i].getAttentionMask();
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray tokens = body.embeddings().forward(store, new NDList(manager.create(ids)), false).singletonOrThrow();
                NDArray m = manager.create(mask).toType(DataType.FLOAT32, false).expandDims(-1);
                float[] pooled = tokens.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1})).toFloatArray();
                System.arraycopy(pooled, 0, out, (int) (from * d), pooled.length);
            }
        }
        return new Embedded(out, d, texts.stream().mapToInt(LabelledText::label).toArray());
    }

    /** Loads the cached embedding for {@code key} from {@code directory}, or computes and stores it. */
    public static Embedded cached(Path directory, String key, java.util.function.Supplier<Embedded> compute) {
        Path file = directory.resolve("source-" + sha(key) + ".safetensors");
        if (Files.exists(file)) {
            try {
                Map<String, TensorData> t = Safetensors.read(file);
                TensorData x = t.get("x");
                TensorData y = t.get("y");
                int[] labels = new int[y.values().length];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = (int) y.values()[i];
                }
                return new Embedded(x.values(), x.shape()[1], labels);
            } catch (RuntimeException e) {
                // unreadable cache entry: recompute below
            }
        }
        Embedded e = compute.get();
        float[] labels = dev.orca.trainer.data.DataArray.ofLabels("y", e.labels()).values();
        dev.orca.trainer.io.AtomicFiles.write(file, tmp -> Safetensors.write(tmp,
                List.of(new TensorData("x", new long[] {e.labels().length, e.dimension()}, e.features()),
                        new TensorData("y", new long[] {labels.length}, labels)), Map.of("key", key)));
        return e;
    }

    private static String sha(String key) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
