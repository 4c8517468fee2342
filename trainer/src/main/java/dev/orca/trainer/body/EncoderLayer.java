package dev.orca.trainer.body;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nd.Autocast;
import dev.orca.trainer.nn.SeededDropout;
import java.util.Map;

/**
 * One post-LayerNorm BERT layer: {@code x = LN(x + Drop(W_o Attn(x)))}, then
 * {@code x = LN(x + Drop(W_2 GELU(W_1 x)))}.
 *
 * <p>Written out because DJL's {@code TransformerEncoderBlock} is not BERT-compatible (BatchNorm, a
 * different residual, and BertBlock pools token 1).
 */
public final class EncoderLayer extends AbstractBlock implements NamedParameters {

    private final BodyConfig config;
    private final SelfAttention attention;
    private final Linear attentionOutput;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;
    private final SeededDropout dropout;

    public EncoderLayer(BodyConfig config, SeededDropout dropout) {
        this.config = config;
        this.dropout = dropout;
        attention = addChildBlock("attention", new SelfAttention(config, dropout));
        attentionOutput = addChildBlock("attentionOutput", Linear.builder().setUnits(config.hidden()).build());
        attentionNorm = addChildBlock("attentionNorm", layerNorm(config));
        intermediate = addChildBlock("intermediate", Linear.builder().setUnits(config.intermediate()).build());
        output = addChildBlock("output", Linear.builder().setUnits(config.hidden()).build());
        outputNorm = addChildBlock("outputNorm", layerNorm(config));
    }

    private static LayerNorm layerNorm(BodyConfig config) {
        return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray context = attention.forward(store, inputs, training).singletonOrThrow();
        NDArray attended = dropout(Autocast.linear(store, attentionOutput, context, training), training);
        x = apply(attentionNorm, store, x.add(attended), training);
        NDArray inner = Activation.gelu(Autocast.linear(store, intermediate, x, training));
        NDArray ffn = dropout(Autocast.linear(store, output, inner, training), training);
        return new NDList(apply(outputNorm, store, x.add(ffn), training));
    }

    private static NDArray apply(AbstractBlock block, ParameterStore store, NDArray x, boolean training) {
        return block.forward(store, new NDList(x), training).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean training) {
        return dropout.apply(x, config.dropout(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = inputShapes[0];
        attention.initialize(manager, dataType, inputShapes);
        attentionOutput.initialize(manager, dataType, hidden);
        attentionNorm.initialize(manager, dataType, hidden);
        intermediate.initialize(manager, dataType, hidden);
        output.initialize(manager, dataType, new Shape(hidden.get(0), hidden.get(1), config.intermediate()));
        outputNorm.initialize(manager, dataType, hidden);
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        attention.collectParameters(prefix + "attention.self.", out);
        Blocks.linear(prefix + "attention.output.dense.", attentionOutput, out);
        Blocks.layerNorm(prefix + "attention.output.LayerNorm.", attentionNorm, out);
        Blocks.linear(prefix + "intermediate.dense.", intermediate, out);
        Blocks.linear(prefix + "output.dense.", output, out);
        Blocks.layerNorm(prefix + "output.LayerNorm.", outputNorm, out);
    }

    /** The two LayerNorms: what the FPT ("layernorm") fine-tuning mode trains. */
    public java.util.List<LayerNorm> layerNorms() {
        return java.util.List.of(attentionNorm, outputNorm);
    }
}
