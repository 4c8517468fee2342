package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.body.Blocks;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.body.PretrainedEncoder;
import dev.orca.trainer.nn.SeededDropout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A vision body's transformer: ViT's layers, or Swin's stages with their patch merging; then the final LayerNorm. */
public final class VisionEncoder extends AbstractBlock implements NamedParameters, PretrainedEncoder {
    private final VisionConfig config;
    private final List<AbstractBlock> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final LayerNorm finalNorm;

    public VisionEncoder(VisionConfig config, SeededDropout dropout) {
        this.config = config;
        boolean swin = config.family() == VisionConfig.Family.SWIN;
        for (int s = 0; s < config.depths().length; s++) {
            int width = config.stageWidth(s);
            int side = config.stageSide(s);
            int window = swin ? Math.min(config.windowSize(), side) : 0;
            for (int b = 0; b < config.depths()[s]; b++) {
                // Odd blocks shift by half a window, unless the window already covers the grid (as Hugging Face does).
                int shift = swin && b % 2 == 1 && window < side ? window / 2 : 0;
                add(swin ? "layers." + s + ".blocks." + b + "." : "layer." + b + ".",
                        new PreNormBlock(width, config.heads()[s], (int) Math.round(config.mlpRatio() * width), config.layerNormEps(),
                                side, window, shift, dropout));
            }
            if (swin && s < config.depths().length - 1) {
                add("layers." + s + ".downsample.", new PatchMerging(side, width, config.layerNormEps()));
            }
        }
        finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build());
    }

    private void add(String name, AbstractBlock block) {
        names.add(name);
        layers.add(addChildBlock("layer" + layers.size(), block));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(store, inputs.get(0), training));
    }

    @Override
    public NDArray encode(ParameterStore store, NDArray tokens, boolean training) {
        NDArray x = tokens;
        for (AbstractBlock layer : layers) {
            x = layer.forward(store, new NDList(x), training).singletonOrThrow();
        }
        return finalNorm.forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        for (AbstractBlock layer : layers) {
            tokens = layer.getOutputShapes(new Shape[] {tokens})[0];
        }
        return new Shape[] {tokens};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        for (AbstractBlock layer : layers) {
            layer.initialize(manager, dataType, tokens);
            tokens = layer.getOutputShapes(new Shape[] {tokens})[0];
        }
        finalNorm.initialize(manager, dataType, tokens);
    }

    /** The last stage's token grid side (Swin) — dense heads fold back from it. */
    public int outputSide() {
        return config.stageSide(config.depths().length - 1);
    }

    @Override
    public List<LayerNorm> layerNorms() {
        List<LayerNorm> out = new ArrayList<>();
        for (AbstractBlock layer : layers) {
            if (layer instanceof PreNormBlock block) {
                out.addAll(block.layerNorms());
            } else if (layer instanceof PatchMerging merging) {
                out.add(merging.layerNorm());
            }
        }
        out.add(finalNorm);
        return out;
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        for (int i = 0; i < layers.size(); i++) {
            ((NamedParameters) layers.get(i)).collectParameters(prefix + names.get(i), out);
        }
    }

    /** Hugging Face keeps the final LayerNorm outside the encoder: {@code layernorm}. */
    void collectFinalNorm(String name, Map<String, ParameterSlot> out) {
        Blocks.layerNorm(name, finalNorm, out);
    }
}
