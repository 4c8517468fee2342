package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.body.Blocks;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.nn.Initialisation;
import java.util.Map;

/**
 * A vision body's patch embedding: conv with kernel = stride = patch size, then Swin's LayerNorm or ViT's
 * class token and positions. With {@code channels} other than the checkpoint's it is ORCA's 2D task
 * embedder, initialised by {@link #copyFrom} from the pretrained one.
 */
public final class VisionEmbeddings extends AbstractBlock implements NamedParameters {
    private final VisionConfig config;
    private final int channels;
    private final Conv2d patches;
    private final LayerNorm norm;
    private final Parameter classToken;
    private final Parameter positions;

    public VisionEmbeddings(VisionConfig config, int channels) {
        this.config = config;
        this.channels = channels;
        patches = addChildBlock("patches", Conv2d.builder().setKernelShape(new Shape(config.patchSize(), config.patchSize()))
                .optStride(new Shape(config.patchSize(), config.patchSize())).setFilters(config.width()).build());
        boolean swin = config.family() == VisionConfig.Family.SWIN;
        norm = swin ? addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build()) : null;
        classToken = swin ? null : addParameter(Parameter.builder().setName("cls_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, config.width())).build());
        positions = swin ? null : addParameter(Parameter.builder().setName("position_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, config.patches() + 1L, config.width())).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray conv = patches.forward(store, inputs, training).singletonOrThrow();
        long batch = conv.getShape().get(0);
        NDArray tokens = conv.reshape(batch, config.width(), -1).transpose(0, 2, 1);
        if (norm != null) {
            return norm.forward(store, new NDList(tokens), training);
        }
        NDArray cls = store.getValue(classToken, tokens.getDevice(), training).repeat(0, batch);
        return new NDList(NDArrays.concat(new NDList(cls, tokens), 1).add(store.getValue(positions, tokens.getDevice(), training)));
    }

    /** Tokens the embedding produces: the patches, plus ViT's class token. */
    public long tokens() {
        return config.patches() + (norm == null ? 1L : 0L);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), tokens(), config.width())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        patches.initialize(manager, dataType, inputShapes[0]);
        if (norm != null) {
            norm.initialize(manager, dataType, new Shape(inputShapes[0].get(0), config.patches(), config.width()));
        }
    }

    /**
     * Takes the pretrained embedding's values; the conv's input channels are tiled cyclically (task channel c
     * gets pretrained channel c mod C), as ORCA's code initialises its 2D embedder from the body's.
     */
    public void copyFrom(VisionEmbeddings pretrained) {
        NDArray source = pretrained.patches.getParameters().get("weight").getArray();
        long pretrainedChannels = source.getShape().get(1);
        NDArray target = patches.getParameters().get("weight").getArray();
        for (int c = 0; c < channels; c++) {
            target.set(new NDIndex(":, {}", c), source.get(new NDIndex(":, {}", c % pretrainedChannels)));
        }
        patches.getParameters().get("bias").getArray().set(pretrained.patches.getParameters().get("bias").getArray().toFloatArray());
        if (norm != null) {
            norm.getParameters().get("gamma").getArray().set(pretrained.norm.getParameters().get("gamma").getArray().toFloatArray());
            norm.getParameters().get("beta").getArray().set(pretrained.norm.getParameters().get("beta").getArray().toFloatArray());
        } else {
            classToken.getArray().set(pretrained.classToken.getArray().toFloatArray());
            positions.getArray().set(pretrained.positions.getArray().toFloatArray());
        }
    }

    /**
     * The official initialisation of an embedder that is not aligned (utils.py:703-717): the patch projection
     * truncated-normal with standard deviation 0.02 and zero bias, the LayerNorm 1 and 0; class token and positions
     * copied from {@code pretrained}, as the official code copies position embeddings in both branches.
     */
    public void initializePlain(java.util.Random random, VisionEmbeddings pretrained) {
        copyFrom(pretrained);
        NDArray weight = patches.getParameters().get("weight").getArray();
        weight.set(Initialisation.truncatedNormal(random, Math.toIntExact(weight.size()), 0.02));
        patches.getParameters().get("bias").getArray().set(new float[config.width()]);
        if (norm != null) {
            norm.getParameters().get("gamma").getArray().set(Initialisation.filled(config.width(), 1f));
            norm.getParameters().get("beta").getArray().set(new float[config.width()]);
        }
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        Blocks.conv(prefix + "patch_embeddings.projection.", patches, out);
        if (norm != null) {
            Blocks.layerNorm(prefix + "norm.", norm, out);
        } else {
            out.put(prefix + "cls_token", ParameterSlot.whole(classToken));
            out.put(prefix + "position_embeddings", ParameterSlot.whole(positions));
        }
    }
}
