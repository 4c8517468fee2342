package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.orca.trainer.body.Blocks;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.nn.SeededDropout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ViT or Swin body as Hugging Face's ViTModel / SwinModel compute their last hidden state: image
 * {@code (B, C, H, W)} → tokens {@code (B, N, D)}. {@link #encode} runs the transformer on tokens from any
 * embedder (ORCA's task embedder replaces the patch embedding).
 */
public final class VisionBody extends AbstractBlock implements NamedParameters {
    private final VisionConfig config;
    private final Conv2d patches;
    private final LayerNorm patchNorm;
    private final Parameter classToken;
    private final Parameter positions;
    private final List<AbstractBlock> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final LayerNorm finalNorm;

    public VisionBody(VisionConfig config, SeededDropout dropout) {
        this.config = config;
        float eps = config.layerNormEps();
        patches = addChildBlock("patches", Conv2d.builder().setKernelShape(new Shape(config.patchSize(), config.patchSize()))
                .optStride(new Shape(config.patchSize(), config.patchSize())).setFilters(config.width()).build());
        boolean swin = config.family() == VisionConfig.Family.SWIN;
        patchNorm = swin ? addChildBlock("patchNorm", LayerNorm.builder().axis(2).optEpsilon(eps).build()) : null;
        classToken = swin ? null : addParameter(Parameter.builder().setName("cls_token").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, 1, config.width())).build());
        positions = swin ? null : addParameter(Parameter.builder().setName("position_embeddings").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, config.patches() + 1L, config.width())).build());
        for (int s = 0; s < config.depths().length; s++) {
            int width = config.stageWidth(s);
            int side = config.stageSide(s);
            int window = swin ? Math.min(config.windowSize(), side) : 0;
            for (int b = 0; b < config.depths()[s]; b++) {
                // Odd blocks shift by half a window, unless the window already covers the grid (as Hugging Face does).
                int shift = swin && b % 2 == 1 && window < side ? window / 2 : 0;
                add(swin ? "encoder.layers." + s + ".blocks." + b + "." : "encoder.layer." + b + ".",
                        new PreNormBlock(width, config.heads()[s], (int) Math.round(config.mlpRatio() * width), eps, side, window, shift,
                                dropout));
            }
            if (swin && s < config.depths().length - 1) {
                add("encoder.layers." + s + ".downsample.", new PatchMerging(side, width, eps));
            }
        }
        finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).optEpsilon(eps).build());
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    private void add(String name, AbstractBlock block) {
        names.add(name);
        layers.add(addChildBlock("layer" + layers.size(), block));
    }

    public VisionConfig config() {
        return config;
    }

    public void initialize(NDManager manager, int batch) {
        initialize(manager, DataType.FLOAT32, new Shape(batch, config.channels(), config.imageSize(), config.imageSize()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(store, embed(store, inputs.singletonOrThrow(), training), training));
    }

    /** The pretrained patch embedding (with ViT's class token and positions, or Swin's norm). */
    public NDArray embed(ParameterStore store, NDArray image, boolean training) {
        NDArray conv = patches.forward(store, new NDList(image), training).singletonOrThrow();
        long batch = conv.getShape().get(0);
        NDArray tokens = conv.reshape(batch, config.width(), -1).transpose(0, 2, 1);
        if (patchNorm != null) {
            return patchNorm.forward(store, new NDList(tokens), training).singletonOrThrow();
        }
        NDArray cls = store.getValue(classToken, tokens.getDevice(), training).repeat(0, batch);
        return NDArrays.concat(new NDList(cls, tokens), 1).add(store.getValue(positions, tokens.getDevice(), training));
    }

    /** The transformer on {@code (B, N, D)} tokens, ending in the final LayerNorm. */
    public NDArray encode(ParameterStore store, NDArray tokens, boolean training) {
        NDArray x = tokens;
        for (AbstractBlock layer : layers) {
            x = layer.forward(store, new NDList(x), training).singletonOrThrow();
        }
        return finalNorm.forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int last = config.depths().length - 1;
        long tokens = config.family() == VisionConfig.Family.SWIN ? (long) config.stageSide(last) * config.stageSide(last)
                : config.patches() + 1L;
        return new Shape[] {new Shape(inputShapes[0].get(0), tokens, config.outputWidth())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        patches.initialize(manager, dataType, inputShapes[0]);
        Shape tokens = new Shape(batch, config.patches(), config.width());
        if (patchNorm != null) {
            patchNorm.initialize(manager, dataType, tokens);
        } else {
            tokens = new Shape(batch, config.patches() + 1L, config.width());
        }
        for (AbstractBlock layer : layers) {
            layer.initialize(manager, dataType, tokens);
            tokens = layer.getOutputShapes(new Shape[] {tokens})[0];
        }
        finalNorm.initialize(manager, dataType, tokens);
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        Blocks.conv(prefix + "embeddings.patch_embeddings.projection.", patches, out);
        if (patchNorm != null) {
            Blocks.layerNorm(prefix + "embeddings.norm.", patchNorm, out);
        } else {
            out.put(prefix + "embeddings.cls_token", ParameterSlot.whole(classToken));
            out.put(prefix + "embeddings.position_embeddings", ParameterSlot.whole(positions));
        }
        for (int i = 0; i < layers.size(); i++) {
            ((NamedParameters) layers.get(i)).collectParameters(prefix + names.get(i), out);
        }
        Blocks.layerNorm(prefix + "layernorm.", finalNorm, out);
    }

    public Map<String, ParameterSlot> namedParameters() {
        Map<String, ParameterSlot> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }
}
