package dev.orca.trainer.checkpoint;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import dev.orca.trainer.body.TextBody;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Builds bodies and tokenizers from checkpoints: the one way a pretrained text body comes to life. */
public final class PretrainedBodies {
    private PretrainedBodies() {}

    /** A body with the checkpoint's shape and weights, its parameters owned by {@code manager}. */
    public static TextBody create(BodyCheckpoint checkpoint, NDManager manager) {
        return create(checkpoint, manager, new dev.orca.trainer.nn.SeededDropout(0));
    }

    /** As {@link #create(BodyCheckpoint, NDManager)}, with the run's own dropout stream. */
    public static TextBody create(BodyCheckpoint checkpoint, NDManager manager, dev.orca.trainer.nn.SeededDropout dropout) {
        TextBody body = new TextBody(checkpoint.config(), dropout);
        body.initialize(manager, 1, 8);
        WeightBinder.bind(checkpoint, body.namedParameters());
        return body;
    }

    /** A body of the reference's shape, randomly initialised (ORCA's "scratch" baseline). */
    public static TextBody createUntrained(BodyCheckpoint checkpoint, NDManager manager,
                                           dev.orca.trainer.nn.SeededDropout dropout) {
        TextBody body = new TextBody(checkpoint.config(), dropout);
        body.initialize(manager, 1, 8);
        return body;
    }

    /**
     * The checkpoint's own tokenizer, padding to the longest sequence of a batch and truncating to
     * {@code maxLength} tokens.
     */
    public static HuggingFaceTokenizer tokenizer(BodyCheckpoint checkpoint, int maxLength) {
        if (checkpoint.tokenizer() == null) {
            throw new CheckpointException(checkpoint.source() + ": no tokenizer.json beside the checkpoint");
        }
        int limit = Math.min(maxLength, checkpoint.config().maxSequenceLength());
        try (InputStream in = checkpoint.tokenizer().open()) {
            return HuggingFaceTokenizer.newInstance(in, Map.of(
                    "padding", "longest",
                    "truncation", "true",
                    "maxLength", Integer.toString(limit),
                    "modelMaxLength", Integer.toString(limit)));
        } catch (IOException e) {
            throw new CheckpointException(checkpoint.source() + ": cannot read tokenizer.json: " + e.getMessage(), e);
        }
    }
}
