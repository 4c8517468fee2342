package dev.orca.trainer.vision;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.task.Resize2d;

/**
 * ORCA's embedder {@code f} for a vision body: the task's images resized to the body's resolution, then a
 * patch embedding of the body's shape with the task's channel count, initialised from the pretrained one.
 */
public final class VisionTaskEmbedder extends AbstractBlock {
    private final Resize2d resize;
    private final VisionEmbeddings embeddings;

    public VisionTaskEmbedder(VisionConfig config, int channels, int height, int width) {
        resize = addChildBlock("resize", new Resize2d(height, width, config.imageSize(), config.imageSize()));
        embeddings = addChildBlock("embeddings", new VisionEmbeddings(config, channels));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return embeddings.forward(store, resize.forward(store, inputs, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return embeddings.getOutputShapes(resize.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        resize.initialize(manager, dataType, inputShapes);
        embeddings.initialize(manager, dataType, resize.getOutputShapes(inputShapes));
    }

    public VisionEmbeddings embeddings() {
        return embeddings;
    }
}
