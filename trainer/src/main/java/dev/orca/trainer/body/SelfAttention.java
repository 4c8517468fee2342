package dev.orca.trainer.body;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nd.Autocast;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.nn.SeededDropout;
import java.util.Map;

/**
 * Multi-head scaled dot-product self-attention, BERT style.
 *
 * <p>Query, key and value share one {@code (3D, D)} projection: one GEMM instead of three is measurably
 * faster on CPU, and the checkpoint's three tensors are bound to its row blocks.
 *
 * <p>Input: hidden {@code (B, S, D)} and, optionally, an additive mask broadcastable to {@code (B, H, S, S)} (padding:
 * {@code (B, 1, 1, S)}; Swin: relative position bias plus the shifted-window mask); output: context
 * {@code (B, S, D)} before the output projection.
 */
public final class SelfAttention extends AbstractBlock implements NamedParameters {

    private final int hidden;
    private final int heads;
    private final float dropoutRate;
    private final Linear qkv;
    private final SeededDropout dropout;

    public SelfAttention(BodyConfig config, SeededDropout dropout) {
        this(config.hidden(), config.heads(), config.dropout(), dropout);
    }

    /** Width {@code hidden} in {@code heads} heads; vision bodies use it with their own sizes. */
    public SelfAttention(int hidden, int heads, float dropoutRate, SeededDropout dropout) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("width " + hidden + " is not divisible by " + heads + " attention heads");
        }
        this.hidden = hidden;
        this.heads = heads;
        this.dropoutRate = dropoutRate;
        this.dropout = dropout;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * hidden).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray states = inputs.get(0);
        NDArray additiveMask = inputs.size() > 1 ? inputs.get(1) : null;
        Shape shape = states.getShape();
        long batch = shape.get(0);
        long length = shape.get(1);
        int headSize = hidden / heads;
        // (B, S, 3D) -> (3, B, H, S, dh) so that one transpose serves q, k and v.
        NDArray projected = Autocast.linear(store, qkv, states, training)
                .reshape(batch, length, 3, heads, headSize)
                .transpose(2, 0, 3, 1, 4);
        NDList qkvSplit = projected.split(3, 0);
        NDArray q = Scalars.mul(qkvSplit.get(0).squeeze(0), 1.0 / Math.sqrt(headSize));
        NDArray k = qkvSplit.get(1).squeeze(0);
        NDArray v = qkvSplit.get(2).squeeze(0);
        NDArray scores = Autocast.matMul(q, k.transpose(0, 1, 3, 2));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray probs = dropout.apply(scores.softmax(-1), dropoutRate, training);
        NDArray context = Autocast.matMul(probs, v).transpose(0, 2, 1, 3).reshape(batch, length, hidden);
        return new NDList(context);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        long d = hidden;
        var weight = qkv.getParameters().get("weight");
        var bias = qkv.getParameters().get("bias");
        String[] names = {"query", "key", "value"};
        for (int i = 0; i < 3; i++) {
            out.put(prefix + names[i] + ".weight", new ParameterSlot(weight, i * d, d));
            out.put(prefix + names[i] + ".bias", new ParameterSlot(bias, i * d, d));
        }
    }
}
