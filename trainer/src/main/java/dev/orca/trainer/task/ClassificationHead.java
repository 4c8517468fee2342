package dev.orca.trainer.task;

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

/**
 * ORCA's predictor for classification and multi-label tasks: pool the tokens (mean, or the first
 * token as CLS) and map to K logits. Input {@code (B, T, D)}; output {@code (B, K)}.
 */
public final class ClassificationHead extends AbstractBlock {

    /** How the token sequence becomes one vector. */
    public enum Pooling { MEAN, CLS }

    private final Pooling pooling;
    private final int classes;
    private final Linear linear;

    public ClassificationHead(int classes, Pooling pooling) {
        this.pooling = pooling;
        this.classes = classes;
        linear = addChildBlock("linear", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDArray pooled = pooling == Pooling.MEAN ? tokens.mean(new int[] {1}) : tokens.get(":, 0, :");
        return new NDList(Autocast.linear(store, linear, pooled, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        linear.initialize(manager, dataType, new Shape(in.get(0), in.get(2)));
    }
}
