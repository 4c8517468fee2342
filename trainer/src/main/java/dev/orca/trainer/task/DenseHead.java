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
 * ORCA's predictor for dense tasks: a Linear map from each token to the {@code k^dims · K} values of its
 * patch, folded back (pixel shuffle in 2D) to the padded input grid and cropped to the input's size.
 *
 * <p>Input {@code (B, T, D)}; output {@code (B, K, L)} or {@code (B, K, H, W)}.
 */
public final class DenseHead extends AbstractBlock {

    private final PatchGeometry geometry;
    private final int outputs;
    private final Linear linear;

    public DenseHead(PatchGeometry geometry, int outputs) {
        this.geometry = geometry;
        this.outputs = outputs;
        linear = addChildBlock("linear", Linear.builder().setUnits(geometry.denseValuesPerToken(outputs)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray values = Autocast.linear(store, linear, inputs.singletonOrThrow(), training); // (B, T, k^d K)
        long batch = values.getShape().get(0);
        int k = geometry.k();
        long[] grid = geometry.grid();
        long[] size = geometry.spatial();
        if (geometry.dimensions() == 1) {
            NDArray folded = values.reshape(batch, grid[0] * k, outputs).transpose(0, 2, 1); // (B, K, T k)
            return new NDList(folded.get(":, :, 0:{}", size[0]));
        }
        NDArray folded = values.reshape(batch, grid[0], grid[1], k, k, outputs)
                .transpose(0, 5, 1, 3, 2, 4)                                                  // (B, K, H', k, W', k)
                .reshape(batch, outputs, grid[0] * k, grid[1] * k);
        return new NDList(folded.get(":, :, 0:{}, 0:{}", size[0], size[1]));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        long[] size = geometry.spatial();
        return new Shape[] {size.length == 1 ? new Shape(batch, outputs, size[0]) : new Shape(batch, outputs, size[0], size[1])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        linear.initialize(manager, dataType, inputShapes);
    }

    /** The per-token linear map, whose output index is {@code (position within the patch) · K + channel}. */
    Linear linear() {
        return linear;
    }
}
