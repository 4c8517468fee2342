package dev.orca.trainer.body;

/**
 * The shape of a BERT-family encoder, read from its checkpoint.
 *
 * @param family            which embedding conventions apply (position ids, token types)
 * @param layers            number of transformer layers
 * @param hidden            hidden size D
 * @param heads             attention heads; must divide {@code hidden}
 * @param intermediate      feed-forward width
 * @param maxPositions      rows of the position-embedding table
 * @param vocabSize         rows of the word-embedding table
 * @param typeVocabSize     rows of the token-type table (1 for RoBERTa)
 * @param layerNormEps      LayerNorm epsilon
 * @param padTokenId        padding token id (RoBERTa's positions are counted from it)
 * @param dropout           dropout rate on hidden states and attention probabilities while training
 */
public record BodyConfig(
        Family family,
        int layers,
        int hidden,
        int heads,
        int intermediate,
        int maxPositions,
        int vocabSize,
        int typeVocabSize,
        float layerNormEps,
        int padTokenId,
        float dropout) {

    /** Embedding conventions of the supported encoder families. */
    public enum Family {
        /** BERT, MiniLM, BGE, E5: positions 0..S-1, token types present. */
        BERT,
        /** RoBERTa / XLM-R: positions start at padTokenId + 1 and skip padding. */
        ROBERTA
    }

    public BodyConfig {
        requirePositive("num_hidden_layers", layers);
        requirePositive("hidden_size", hidden);
        requirePositive("num_attention_heads", heads);
        requirePositive("intermediate_size", intermediate);
        requirePositive("max_position_embeddings", maxPositions);
        requirePositive("vocab_size", vocabSize);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(
                    "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("hidden_dropout_prob must be in [0, 1), got " + dropout);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        }
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, got " + value);
        }
    }

    public int headSize() {
        return hidden / heads;
    }

    /**
     * The longest token sequence the body accepts: RoBERTa reserves the first padTokenId + 1 rows of
     * its position table.
     */
    public int maxSequenceLength() {
        return family == Family.ROBERTA ? maxPositions - padTokenId - 1 : maxPositions;
    }
}
