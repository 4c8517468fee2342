package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.task.DenseHead;
import dev.orca.trainer.task.PatchGeometry;
import dev.orca.trainer.task.Resize2d;

/**
 * ORCA's dense predictor on a vision body: each output token of the last stage (ViT: without its class
 * token) is mapped to the values of its patch at the body's resolution (pixel shuffle), then resized back to
 * the task's {@code H × W}.
 */
public final class VisionDenseHead extends AbstractBlock {
    private final boolean dropClassToken;
    private final DenseHead fold;
    private final Resize2d resize;

    public VisionDenseHead(VisionConfig config, int outputSide, int outputs, int height, int width) {
        this.dropClassToken = config.family() == VisionConfig.Family.VIT;
        int image = config.imageSize();
        fold = addChildBlock("fold", new DenseHead(new PatchGeometry(new long[] {image, image}, image / outputSide,
                new long[] {outputSide, outputSide}), outputs));
        resize = addChildBlock("resize", new Resize2d(image, image, height, width));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        if (dropClassToken) {
            tokens = tokens.get(":, 1:, :");
        }
        return resize.forward(store, fold.forward(store, new NDList(tokens), training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return resize.getOutputShapes(fold.getOutputShapes(tokens(inputShapes[0])));
    }

    private Shape[] tokens(Shape in) {
        return new Shape[] {dropClassToken ? new Shape(in.get(0), in.get(1) - 1, in.get(2)) : in};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fold.initialize(manager, dataType, tokens(inputShapes[0]));
        resize.initialize(manager, dataType, fold.getOutputShapes(tokens(inputShapes[0])));
    }
}
