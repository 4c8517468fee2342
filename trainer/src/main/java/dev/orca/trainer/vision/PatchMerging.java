package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.body.Blocks;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.nd.Autocast;
import java.util.Map;

/**
 * Swin's downsampling between stages: each 2×2 group of tokens is concatenated (in Hugging Face's and
 * torchvision's order: (0,0), (1,0), (0,1), (1,1)), normalised and projected from 4C to 2C, halving the grid's side.
 */
public final class PatchMerging extends AbstractBlock implements NamedParameters {
    private final int side;
    private final int width;
    private final LayerNorm norm;
    private final Linear reduction;

    public PatchMerging(int side, int width, float eps) {
        this.side = side;
        this.width = width;
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(eps).build());
        reduction = addChildBlock("reduction", Linear.builder().setUnits(2L * width).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long batch = x.getShape().get(0);
        NDArray grid = x.reshape(batch, side, side, width);
        NDArray merged = NDArrays.concat(new NDList(grid.get(":, 0::2, 0::2, :"), grid.get(":, 1::2, 0::2, :"),
                grid.get(":, 0::2, 1::2, :"), grid.get(":, 1::2, 1::2, :")), -1)
                .reshape(batch, (long) (side / 2) * (side / 2), 4L * width);
        NDArray normed = norm.forward(store, new NDList(merged), training).singletonOrThrow();
        return new NDList(Autocast.linear(store, reduction, normed, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) (side / 2) * (side / 2), 2L * width)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape merged = new Shape(inputShapes[0].get(0), (long) (side / 2) * (side / 2), 4L * width);
        norm.initialize(manager, dataType, merged);
        reduction.initialize(manager, dataType, merged);
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        Blocks.layerNorm(prefix + "norm.", norm, out);
        out.put(prefix + "reduction.weight", ParameterSlot.whole(reduction.getParameters().get("weight")));
    }

    public LayerNorm layerNorm() {
        return norm;
    }
}
