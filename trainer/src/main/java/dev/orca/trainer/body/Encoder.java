package dev.orca.trainer.body;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.nn.SeededDropout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The stack of transformer layers: ORCA's pretrained body {@code g}, fed either by the pretrained
 * {@link TokenEmbeddings} or by a task embedder.
 *
 * <p>Input: hidden states {@code (B, S, D)} and an attention mask {@code (B, S)} (1 = token, 0 = padding);
 * output: {@code (B, S, D)}.
 */
public final class Encoder extends AbstractBlock implements NamedParameters, PretrainedEncoder {

    private final List<EncoderLayer> layers = new ArrayList<>();

    public Encoder(BodyConfig config, SeededDropout dropout) {
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new EncoderLayer(config, dropout)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray hidden = inputs.get(0);
        NDArray additiveMask = additiveMask(inputs.get(1), hidden.getDataType());
        for (EncoderLayer layer : layers) {
            hidden = layer.forward(store, new NDList(hidden, additiveMask), training).singletonOrThrow();
        }
        return new NDList(hidden);
    }

    /** {@code (B, S)} 1/0 mask to {@code (B, 1, 1, S)} with 0 for tokens and the lowest float for padding, as HF does. */
    static NDArray additiveMask(NDArray mask, DataType dataType) {
        Shape s = mask.getShape();
        NDArray keep = mask.toType(dataType, false).reshape(s.get(0), 1, 1, s.get(1));
        return Scalars.mul(Scalars.rsub(1.0, keep), -Float.MAX_VALUE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        Shape mask = new Shape(hidden.get(0), 1, 1, hidden.get(1));
        for (EncoderLayer layer : layers) {
            layer.initialize(manager, dataType, hidden, mask);
        }
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).collectParameters(prefix + "layer." + i + ".", out);
        }
    }

    public List<EncoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** All tokens attend to all (task inputs have no padding). */
    @Override
    public ai.djl.ndarray.NDArray encode(ai.djl.training.ParameterStore store, ai.djl.ndarray.NDArray tokens, boolean training) {
        ai.djl.ndarray.types.Shape s = tokens.getShape();
        ai.djl.ndarray.NDArray mask = tokens.getManager().ones(new ai.djl.ndarray.types.Shape(s.get(0), s.get(1)),
                ai.djl.ndarray.types.DataType.INT64);
        return forward(store, new ai.djl.ndarray.NDList(tokens, mask), training).singletonOrThrow();
    }

    @Override
    public List<ai.djl.nn.norm.LayerNorm> layerNorms() {
        List<ai.djl.nn.norm.LayerNorm> out = new java.util.ArrayList<>();
        layers().forEach(l -> out.addAll(l.layerNorms()));
        return out;
    }
}
