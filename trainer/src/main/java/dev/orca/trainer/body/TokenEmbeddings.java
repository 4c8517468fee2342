package dev.orca.trainer.body;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nn.SeededDropout;
import java.util.Map;

/**
 * The body's own pretrained embedding layer: word + position + token-type embeddings, LayerNorm,
 * dropout. ORCA keeps it apart from the transformer layers: it embeds the proxy source data, while the
 * task embedder feeds the layers directly (and borrows {@link #positionEmbeddings}).
 *
 * <p>Input: token ids {@code (B, S)} int64 and, optionally, token types {@code (B, S)}. Output:
 * {@code (B, S, D)}.
 */
public final class TokenEmbeddings extends AbstractBlock implements NamedParameters {

    private final BodyConfig config;
    private final Parameter words;
    private final Parameter positions;
    private final Parameter tokenTypes;
    private final LayerNorm norm;
    private final SeededDropout dropout;

    public TokenEmbeddings(BodyConfig config, SeededDropout dropout) {
        this.config = config;
        this.dropout = dropout;
        words = addParameter(Parameter.builder().setName("word_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabSize(), config.hidden())).build());
        positions = addParameter(Parameter.builder().setName("position_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.maxPositions(), config.hidden())).build());
        tokenTypes = addParameter(Parameter.builder().setName("token_type_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.typeVocabSize(), config.hidden())).build());
        norm = addChildBlock("LayerNorm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray types = inputs.size() > 1 ? inputs.get(1) : ids.zerosLike();
        NDArray w = store.getValue(words, ids.getDevice(), training);
        NDArray p = store.getValue(positions, ids.getDevice(), training);
        NDArray t = store.getValue(tokenTypes, ids.getDevice(), training);
        NDArray sum = lookup(ids, w).add(lookup(positionIds(ids), p)).add(lookup(types, t));
        NDArray out = norm.forward(store, new NDList(sum), training).singletonOrThrow();
        return new NDList(dropout.apply(out, config.dropout(), training));
    }

    /**
     * The position embeddings for a sequence of {@code length} tokens with no padding, {@code (1, S, D)}:
     * what ORCA's task embedder adds to its own token features.
     */
    public NDArray positionEmbeddings(ParameterStore store, NDManager manager, int length, boolean training) {
        if (length > config.maxSequenceLength()) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the body's maximum "
                    + config.maxSequenceLength());
        }
        int first = config.family() == BodyConfig.Family.ROBERTA ? config.padTokenId() + 1 : 0;
        NDArray ids = manager.arange(first, first + length, 1, DataType.INT64).expandDims(0);
        NDArray p = store.getValue(positions, manager.getDevice(), training);
        return lookup(ids, p);
    }

    private NDArray positionIds(NDArray ids) {
        long length = ids.getShape().get(1);
        if (length > config.maxSequenceLength()) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the body's maximum "
                    + config.maxSequenceLength());
        }
        if (config.family() == BodyConfig.Family.ROBERTA) {
            // As Hugging Face's create_position_ids_from_input_ids: count real tokens, leave pads at padding_idx.
            NDArray notPad = ids.neq(config.padTokenId()).toType(DataType.INT64, false);
            return notPad.cumSum(1).mul(notPad).add(config.padTokenId());
        }
        return ids.getManager().arange(0, (int) length, 1, DataType.INT64).expandDims(0);
    }

    private static NDArray lookup(NDArray ids, NDArray table) {
        return table.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config.hidden())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        norm.initialize(manager, dataType, new Shape(in.get(0), in.get(1), config.hidden()));
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        out.put(prefix + "word_embeddings.weight", ParameterSlot.whole(words));
        out.put(prefix + "position_embeddings.weight", ParameterSlot.whole(positions));
        out.put(prefix + "token_type_embeddings.weight", ParameterSlot.whole(tokenTypes));
        Blocks.layerNorm(prefix + "LayerNorm.", norm, out);
    }

    /** The pretrained embedding LayerNorm's scale and shift, which the official recipe gives an aligned task embedder. */
    public float[][] layerNorm() {
        return new float[][] {norm.getParameters().get("gamma").getArray().toFloatArray(),
                norm.getParameters().get("beta").getArray().toFloatArray()};
    }

    public BodyConfig config() {
        return config;
    }
}
