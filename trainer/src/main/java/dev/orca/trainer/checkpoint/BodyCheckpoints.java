package dev.orca.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Resolves a body reference from the experiment spec to a loaded checkpoint. References:
 * <ul>
 *   <li>{@code bundled:all-minilm-l6-v2}, {@code bundled:bge-small-en-v1.5}, {@code bundled:e5-small-v2}:
 *       ONNX models shipped inside Maven jars, available offline;</li>
 *   <li>{@code file:/path} or a plain path: a Hugging Face directory ({@code config.json} +
 *       {@code model.safetensors}) or an {@code .onnx} file next to its {@code tokenizer.json};</li>
 *   <li>{@code hf:org/name}: a hub model already on disk, looked up under {@code $ORCA_MODEL_DIR/org/name}
 *       and in the Hugging Face cache ({@code $HF_HOME/hub}). Orca never downloads at run time: runs must
 *       be reproducible and cluster pods usually have no egress, so the error says what to fetch.</li>
 * </ul>
 */
public final class BodyCheckpoints {
    private BodyCheckpoints() {}

    /** Bundled id to the resource base name inside its jar. */
    private static final Map<String, String> BUNDLED = Map.of(
            "all-minilm-l6-v2", "all-minilm-l6-v2",
            "bge-small-en-v1.5", "bge-small-en-v1.5",
            "e5-small-v2", "e5-small-v2");

    public static final String DEFAULT = "bundled:all-minilm-l6-v2";

    /** A Hugging Face model id: {@code name} or {@code owner/name}. */
    private static final String HUB_ID = "[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?";

    public static BodyCheckpoint load(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new CheckpointException("body.checkpoint is empty; use e.g. " + DEFAULT);
        }
        if (reference.startsWith("bundled:")) {
            return bundled(reference.substring("bundled:".length()));
        }
        if (reference.startsWith("hf:")) {
            return hub(reference.substring("hf:".length()));
        }
        String path = reference.startsWith("file:") ? reference.substring("file:".length()) : reference;
        return local(Path.of(path));
    }

    /**
     * The directory a {@code hf:} or {@code file:} reference names, if it is one on this machine (bundled bodies
     * and single {@code .onnx} files have none): where a caller looks at {@code config.json} to tell vision from text.
     */
    public static java.util.Optional<Path> directory(String reference) {
        if (reference == null || reference.startsWith("bundled:")) {
            return java.util.Optional.empty();
        }
        if (reference.startsWith("hf:")) {
            String id = reference.substring("hf:".length());
            if (!id.matches(HUB_ID)) {
                return java.util.Optional.empty();
            }
            return hubCandidates(id).stream().filter(c -> Files.exists(c.resolve("config.json"))).findFirst();
        }
        Path path = Path.of(reference.startsWith("file:") ? reference.substring("file:".length()) : reference);
        return Files.isDirectory(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    public static BodyCheckpoint local(Path path) {
        if (path.toString().endsWith(".onnx")) {
            Path tokenizer = path.resolveSibling("tokenizer.json");
            try (InputStream in = Files.newInputStream(path)) {
                return OnnxCheckpoints.load(path.toString(), in,
                        Files.exists(tokenizer) ? () -> Files.newInputStream(tokenizer) : null);
            } catch (IOException e) {
                throw new CheckpointException(path + ": cannot read: " + e, e);
            }
        }
        return HfCheckpoints.load(path);
    }

    private static BodyCheckpoint bundled(String id) {
        String base = BUNDLED.get(id);
        if (base == null) {
            throw new CheckpointException("body.checkpoint: unknown bundled body '" + id + "'; bundled bodies are "
                    + String.join(", ", List.copyOf(new java.util.TreeSet<>(BUNDLED.keySet()))));
        }
        String onnx = "/" + base + ".onnx";
        String tokenizer = "/" + base + "-tokenizer.json";
        try (InputStream in = BodyCheckpoints.class.getResourceAsStream(onnx)) {
            if (in == null) {
                throw new CheckpointException("bundled:" + id + ": resource " + onnx
                        + " is not on the classpath (is its langchain4j embeddings jar a dependency?)");
            }
            return OnnxCheckpoints.load("bundled:" + id + " (" + onnx + ")", in, () -> {
                InputStream t = BodyCheckpoints.class.getResourceAsStream(tokenizer);
                if (t == null) {
                    throw new IOException("resource " + tokenizer + " is not on the classpath");
                }
                return t;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BodyCheckpoint hub(String modelId) {
        if (!modelId.matches(HUB_ID)) {
            throw new CheckpointException("body.checkpoint: '" + modelId + "' is not a Hugging Face model id");
        }
        for (Path candidate : hubCandidates(modelId)) {
            if (Files.exists(candidate.resolve("config.json"))) {
                return HfCheckpoints.load(candidate);
            }
        }
        Path target = modelDir().resolve(modelId);
        throw new CheckpointException("hf:" + modelId + " is not on this machine and Orca does not download at run time. "
                + "Fetch config.json, model.safetensors and tokenizer.json of " + modelId + " from the Hugging Face Hub, e.g. "
                + "`huggingface-cli download " + modelId + " config.json model.safetensors tokenizer.json --local-dir "
                + target + "`, then run again (or set body.checkpoint to file:<that directory>). Looked in: "
                + hubCandidates(modelId));
    }

    private static List<Path> hubCandidates(String modelId) {
        List<Path> candidates = new java.util.ArrayList<>();
        candidates.add(modelDir().resolve(modelId));
        String home = System.getenv().getOrDefault("HF_HOME", System.getProperty("user.home") + "/.cache/huggingface");
        Path snapshots = Path.of(home, "hub", "models--" + modelId.replace("/", "--"), "snapshots");
        if (Files.isDirectory(snapshots)) {
            try (var stream = Files.list(snapshots)) {
                stream.sorted().forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            candidates.add(snapshots.resolve("<revision>"));
        }
        return candidates;
    }

    /**
     * Where hub models are staged: the {@code orca.modelDir} system property, else {@code $ORCA_MODEL_DIR},
     * else {@code ~/.cache/orca/models}.
     */
    public static Path modelDir() {
        String dir = System.getProperty("orca.modelDir", System.getenv("ORCA_MODEL_DIR"));
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "orca", "models");
    }
}
