package dev.orca.trainer.vision;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orca.trainer.checkpoint.CheckpointException;
import dev.orca.trainer.checkpoint.HfCheckpoints;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import dev.orca.trainer.checkpoint.WeightBinder;
import dev.orca.trainer.nn.SeededDropout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hugging Face ViT and Swin checkpoints ({@code config.json} + {@code model.safetensors}) to {@link VisionBody}.
 * Names are canonicalised like the text bodies': the task model's prefix ({@code vit.}, {@code swin.}) is
 * dropped, and what the body does not compute from (heads, poolers, Swin's stored position-index buffers) is
 * left out; every other tensor must bind.
 */
public final class VisionCheckpoints {
    private VisionCheckpoints() {}

    /** A loaded checkpoint: where from, its shape and its tensors under canonical names. */
    public record VisionCheckpoint(String source, VisionConfig config, Map<String, TensorData> tensors) {}

    public static VisionCheckpoint load(Path directory) {
        Path weights = directory.resolve("model.safetensors");
        if (!Files.exists(weights)) {
            throw new CheckpointException(weights + ": no such file");
        }
        VisionConfig config = readConfig(directory.resolve("config.json"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (TensorData t : Safetensors.read(weights).values()) {
            String name = t.name().replaceFirst("^(vit|swin)\\.", "");
            if (name.startsWith("pooler.") || name.startsWith("classifier.") || name.endsWith(".relative_position_index")) {
                continue;
            }
            tensors.put(name, t.renamed(name));
        }
        return new VisionCheckpoint(weights.toString(), config, tensors);
    }

    /** Whether {@code directory}'s config.json describes a ViT or Swin (rather than a text body). */
    public static boolean isVision(Path directory) {
        // An unreadable config.json is not decided here: the text loader that gets the directory names the problem.
        try {
            String type = HfCheckpoints.configJson(directory.resolve("config.json")).path("model_type").asText("");
            return type.equals("vit") || type.equals("swin");
        } catch (CheckpointException e) {
            return false;
        }
    }

    /** The checkpoint's architecture with fresh weights: the paper's "scratch" baseline. */
    public static VisionBody createUntrained(VisionCheckpoint checkpoint, NDManager manager, SeededDropout dropout) {
        VisionBody body = new VisionBody(checkpoint.config(), dropout);
        body.initialize(manager, 1);
        return body;
    }

    /** The pretrained body, weights bound (a missing or misshapen tensor is an error naming it). */
    public static VisionBody create(VisionCheckpoint checkpoint, NDManager manager, SeededDropout dropout) {
        VisionBody body = new VisionBody(checkpoint.config(), dropout);
        body.initialize(manager, 1);
        WeightBinder.bind(checkpoint.source(), checkpoint.config(), checkpoint.tensors(), body.namedParameters());
        return body;
    }

    public static VisionConfig readConfig(Path file) {
        JsonNode root = HfCheckpoints.configJson(file);
        String type = root.path("model_type").asText("");
        String act = root.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new CheckpointException(file + ": hidden_act '" + act + "' is not supported (gelu)");
        }
        if (!root.path("qkv_bias").asBoolean(true)) {
            throw new CheckpointException(file + ": qkv_bias false is not supported");
        }
        try {
            return switch (type) {
                case "vit" -> new VisionConfig(VisionConfig.Family.VIT, HfCheckpoints.required(file, root, "image_size"), HfCheckpoints.required(file, root, "patch_size"),
                        root.path("num_channels").asInt(3), HfCheckpoints.required(file, root, "hidden_size"),
                        new int[] {HfCheckpoints.required(file, root, "num_hidden_layers")}, new int[] {HfCheckpoints.required(file, root, "num_attention_heads")}, 0,
                        (double) HfCheckpoints.required(file, root, "intermediate_size") / HfCheckpoints.required(file, root, "hidden_size"),
                        (float) root.path("layer_norm_eps").asDouble(1e-12));
                case "swin" -> {
                    if (root.path("use_absolute_embeddings").asBoolean(false)) {
                        throw new CheckpointException(file + ": use_absolute_embeddings true is not supported");
                    }
                    yield new VisionConfig(VisionConfig.Family.SWIN, HfCheckpoints.required(file, root, "image_size"), HfCheckpoints.required(file, root, "patch_size"),
                            root.path("num_channels").asInt(3), HfCheckpoints.required(file, root, "embed_dim"), ints(file, root, "depths"),
                            ints(file, root, "num_heads"), HfCheckpoints.required(file, root, "window_size"), root.path("mlp_ratio").asDouble(4.0),
                            (float) root.path("layer_norm_eps").asDouble(1e-5));
                }
                default -> throw new CheckpointException(file + ": model_type '" + type + "' is not a supported vision body (vit, swin)");
            };
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static int[] ints(Path file, JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isArray()) {
            throw new CheckpointException(file + ": field " + field + " is missing or not a list");
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asInt();
        }
        return out;
    }
}
