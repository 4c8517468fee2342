package dev.orca.trainer.body;

import java.util.Map;

/**
 * A block that can list its parameters under Hugging Face's names, so that every checkpoint format is
 * bound to the model in one place ({@code dev.orca.trainer.checkpoint.WeightBinder}).
 */
public interface NamedParameters {

    /**
     * Adds this block's parameters to {@code out}, keyed by {@code prefix} + the Hugging Face name
     * (for example {@code encoder.layer.0.attention.self.query.weight}).
     */
    void collectParameters(String prefix, Map<String, ParameterSlot> out);
}
