package dev.orca.trainer.checkpoint;

import dev.orca.trainer.body.BodyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A loaded pretrained body: its shape, its tensors under canonical Hugging Face names (no model prefix,
 * {@code weight}/{@code bias} for LayerNorms) and a way to open its tokenizer.
 *
 * @param source    what was loaded, for messages (a file or a bundled id)
 * @param config    the body's shape, read from the checkpoint
 * @param tensors   canonical name to tensor
 * @param tokenizer opens the checkpoint's {@code tokenizer.json}, or {@code null} if it has none
 */
public record BodyCheckpoint(String source, BodyConfig config, Map<String, TensorData> tensors,
                             TokenizerSource tokenizer) {

    /** Opens a {@code tokenizer.json}; a supplier because the bundled ones live inside jars. */
    @FunctionalInterface
    public interface TokenizerSource {
        InputStream open() throws IOException;
    }
}
