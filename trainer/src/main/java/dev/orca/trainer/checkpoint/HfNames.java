package dev.orca.trainer.checkpoint;

import java.util.List;

/**
 * Hugging Face parameter names to the canonical names the bodies bind: the model prefix removed
 * ({@code bert.}, {@code roberta.}), TF-era LayerNorm names ({@code gamma}/{@code beta}) modernised.
 */
public final class HfNames {
    private HfNames() {}

    private static final List<String> MODEL_PREFIXES = List.of("bert.", "roberta.", "model.", "xlm-roberta.");

    /** Task heads and buffers that a body does not use; a checkpoint may carry them. */
    private static final List<String> IGNORED_PREFIXES =
            List.of("pooler.", "cls.", "lm_head.", "classifier.", "qa_outputs.", "embeddings.position_ids");

    /** The canonical name, or {@code null} for a tensor that belongs to no body (heads, buffers). */
    public static String canonical(String hfName) {
        String name = hfName;
        for (String prefix : MODEL_PREFIXES) {
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
                break;
            }
        }
        for (String ignored : IGNORED_PREFIXES) {
            if (name.startsWith(ignored)) {
                return null;
            }
        }
        if (name.endsWith("LayerNorm.gamma")) {
            name = name.substring(0, name.length() - "gamma".length()) + "weight";
        } else if (name.endsWith("LayerNorm.beta")) {
            name = name.substring(0, name.length() - "beta".length()) + "bias";
        }
        return name;
    }
}
