package dev.orca.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orca.trainer.body.BodyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Writes small random Hugging Face checkpoints ({@code config.json} + {@code model.safetensors}) for tests. */
public final class RandomCheckpoints {
    private RandomCheckpoints() {}

    /** Writes a checkpoint with HF naming (model prefix, heads); returns its tensors under their file names. */
    public static List<TensorData> write(Path dir, BodyConfig c, long seed, boolean tfLayerNormNames) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        config.put("model_type", c.family() == BodyConfig.Family.ROBERTA ? "roberta" : "bert");
        config.put("hidden_act", "gelu");
        config.put("num_hidden_layers", c.layers());
        config.put("hidden_size", c.hidden());
        config.put("num_attention_heads", c.heads());
        config.put("intermediate_size", c.intermediate());
        config.put("max_position_embeddings", c.maxPositions());
        config.put("vocab_size", c.vocabSize());
        config.put("type_vocab_size", c.typeVocabSize());
        config.put("layer_norm_eps", c.layerNormEps());
        config.put("pad_token_id", c.padTokenId());
        config.put("hidden_dropout_prob", c.dropout());
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);

        String prefix = c.family() == BodyConfig.Family.ROBERTA ? "roberta." : "bert.";
        String w = tfLayerNormNames ? "gamma" : "weight";
        String b = tfLayerNormNames ? "beta" : "bias";
        Random random = new Random(seed);
        List<TensorData> tensors = new ArrayList<>();
        int h = c.hidden();
        tensors.add(random(random, prefix + "embeddings.word_embeddings.weight", c.vocabSize(), h));
        tensors.add(random(random, prefix + "embeddings.position_embeddings.weight", c.maxPositions(), h));
        tensors.add(random(random, prefix + "embeddings.token_type_embeddings.weight", c.typeVocabSize(), h));
        tensors.add(random(random, prefix + "embeddings.LayerNorm." + w, h));
        tensors.add(random(random, prefix + "embeddings.LayerNorm." + b, h));
        for (int i = 0; i < c.layers(); i++) {
            String p = prefix + "encoder.layer." + i + ".";
            for (String m : List.of("query", "key", "value")) {
                tensors.add(random(random, p + "attention.self." + m + ".weight", h, h));
                tensors.add(random(random, p + "attention.self." + m + ".bias", h));
            }
            tensors.add(random(random, p + "attention.output.dense.weight", h, h));
            tensors.add(random(random, p + "attention.output.dense.bias", h));
            tensors.add(random(random, p + "attention.output.LayerNorm." + w, h));
            tensors.add(random(random, p + "attention.output.LayerNorm." + b, h));
            tensors.add(random(random, p + "intermediate.dense.weight", c.intermediate(), h));
            tensors.add(random(random, p + "intermediate.dense.bias", c.intermediate()));
            tensors.add(random(random, p + "output.dense.weight", h, c.intermediate()));
            tensors.add(random(random, p + "output.dense.bias", h));
            tensors.add(random(random, p + "output.LayerNorm." + w, h));
            tensors.add(random(random, p + "output.LayerNorm." + b, h));
        }
        // A head the body must ignore, as real checkpoints carry.
        tensors.add(random(random, prefix + "pooler.dense.weight", h, h));
        Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        return tensors;
    }

    public static TensorData random(Random random, String name, long... shape) {
        float[] values = new float[(int) TensorData.elementCount(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.1);
        }
        return new TensorData(name, shape, values);
    }

    public static BodyConfig tiny(BodyConfig.Family family) {
        return family == BodyConfig.Family.ROBERTA
                ? new BodyConfig(family, 2, 16, 4, 32, 20, 50, 1, 1e-5f, 1, 0.1f)
                : new BodyConfig(family, 2, 16, 4, 32, 18, 50, 2, 1e-12f, 0, 0.1f);
    }
}
