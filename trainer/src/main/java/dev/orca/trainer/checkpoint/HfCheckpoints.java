package dev.orca.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.trainer.body.BodyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hugging Face checkpoint directories: {@code config.json} + {@code model.safetensors} (+ {@code tokenizer.json}). */
public final class HfCheckpoints {
    private HfCheckpoints() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static BodyCheckpoint load(Path directory) {
        Path configFile = directory.resolve("config.json");
        Path weights = directory.resolve("model.safetensors");
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException(directory + ": not a checkpoint directory (expected config.json and model.safetensors in it)");
        }
        if (!Files.exists(weights)) {
            String hint = Files.exists(directory.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is a pickle and is not read; download the checkpoint's model.safetensors)"
                    : "";
            throw new CheckpointException(weights + ": no such file" + hint);
        }
        BodyConfig config = readConfig(configFile);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (TensorData t : Safetensors.read(weights).values()) {
            String canonical = HfNames.canonical(t.name());
            if (canonical != null) {
                tensors.put(canonical, t.renamed(canonical));
            }
        }
        Path tokenizer = directory.resolve("tokenizer.json");
        BodyCheckpoint.TokenizerSource source = Files.exists(tokenizer) ? () -> Files.newInputStream(tokenizer) : null;
        return new BodyCheckpoint(weights.toString(), config, tensors, source);
    }

    /** Reads a BERT-family {@code config.json}; the error names the file and the field. */
    /** A checkpoint's {@code config.json} as a tree; the error names the file. Text and vision loaders read it here. */
    public static JsonNode configJson(Path configFile) {
        try (InputStream in = Files.newInputStream(configFile)) {
            return JSON.readTree(in);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(configFile + ": no such file", e);
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    public static BodyConfig readConfig(Path configFile) {
        JsonNode root = configJson(configFile);
        String modelType = root.path("model_type").asText("");
        BodyConfig.Family family = switch (modelType) {
            case "bert" -> BodyConfig.Family.BERT;
            case "roberta", "xlm-roberta" -> BodyConfig.Family.ROBERTA;
            default -> throw new CheckpointException(configFile + ": model_type '" + modelType
                    + "' is not a supported text body (bert, roberta, xlm-roberta)");
        };
        String act = root.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new CheckpointException(configFile + ": hidden_act '" + act + "' is not supported (gelu)");
        }
        try {
            return new BodyConfig(family,
                    required(configFile, root, "num_hidden_layers"),
                    required(configFile, root, "hidden_size"),
                    required(configFile, root, "num_attention_heads"),
                    required(configFile, root, "intermediate_size"),
                    required(configFile, root, "max_position_embeddings"),
                    required(configFile, root, "vocab_size"),
                    root.path("type_vocab_size").asInt(family == BodyConfig.Family.ROBERTA ? 1 : 2),
                    (float) root.path("layer_norm_eps").asDouble(1e-12),
                    root.path("pad_token_id").asInt(family == BodyConfig.Family.ROBERTA ? 1 : 0),
                    (float) root.path("hidden_dropout_prob").asDouble(0.1));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configFile + ": " + e.getMessage(), e);
        }
    }

    /** An integer field of a config.json that must be present; the error names the file and the field. */
    public static int required(Path file, JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new CheckpointException(file + ": field " + field + " is missing or not an integer");
        }
        return node.asInt();
    }
}
