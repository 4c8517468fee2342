package dev.orca.trainer.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.FloatBuffer;

/**
 * ORCA's task embedder {@code f}: a convolution with kernel = stride = k to the body's hidden size, the
 * patches flattened to tokens, LayerNorm, plus learned position embeddings initialised from the body's
 * pretrained ones. Stage 2 trains only this block.
 *
 * <p>Input {@code (B, C, L)} or {@code (B, C, H, W)}; output {@code (B, T, D)} with {@code T} the patch count.
 */
public final class TaskEmbedder extends AbstractBlock {

    private final PatchGeometry geometry;
    private final int hidden;
    private final Convolution conv;
    private final LayerNorm norm;
    private final Parameter positions;

    public TaskEmbedder(PatchGeometry geometry, int hidden) {
        this.geometry = geometry;
        this.hidden = hidden;
        int k = geometry.k();
        conv = addChildBlock("conv", geometry.dimensions() == 1
                ? Conv1d.builder().setKernelShape(new Shape(k)).optStride(new Shape(k)).setFilters(hidden).build()
                : Conv2d.builder().setKernelShape(new Shape(k, k)).optStride(new Shape(k, k)).setFilters(hidden).build());
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(1e-5f).build());
        positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(geometry.tokens(), hidden)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray patches = conv.forward(store, new NDList(pad(x)), training).singletonOrThrow(); // (B, D, grid...)
        long batch = patches.getShape().get(0);
        NDArray tokens = patches.reshape(batch, hidden, geometry.tokens()).transpose(0, 2, 1);  // (B, T, D)
        NDArray normed = norm.forward(store, new NDList(tokens), training).singletonOrThrow();
        return new NDList(normed.add(store.getValue(positions, x.getDevice(), training).expandDims(0)));
    }

    private NDArray pad(NDArray x) {
        long[] padding = new long[2 * geometry.dimensions()];
        boolean any = false;
        // torch's F.pad order: last axis first, (before, after) per axis.
        for (int axis = 0; axis < geometry.dimensions(); axis++) {
            long after = geometry.padding(geometry.dimensions() - 1 - axis);
            padding[2 * axis + 1] = after;
            any |= after > 0;
        }
        return any ? x.pad(new Shape(padding), 0) : x;
    }

    /** Copies the first T rows of a body's pretrained position table (already offset for RoBERTa). */
    public void initializePositions(NDArray pretrained) {
        NDArray rows = pretrained.get(new NDIndex("0:{}", geometry.tokens()));
        positions.getArray().set(FloatBuffer.wrap(rows.toType(DataType.FLOAT32, false).toFloatArray()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), geometry.tokens(), hidden)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long[] padded = in.getShape().clone();
        for (int axis = 0; axis < geometry.dimensions(); axis++) {
            padded[2 + axis] = geometry.grid()[axis] * geometry.k();
        }
        conv.initialize(manager, dataType, new Shape(padded));
        norm.initialize(manager, dataType, new Shape(in.get(0), geometry.tokens(), hidden));
    }

    public PatchGeometry geometry() {
        return geometry;
    }
}
