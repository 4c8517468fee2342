package dev.orca.trainer.vision;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.nn.SeededDropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A ViT or Swin body as Hugging Face's ViTModel / SwinModel compute their last hidden state: image
 * {@code (B, C, H, W)} → {@link VisionEmbeddings} → {@link VisionEncoder} → tokens {@code (B, N, D)}.
 */
public final class VisionBody extends AbstractBlock implements NamedParameters {
    private final VisionConfig config;
    private final VisionEmbeddings embeddings;
    private final VisionEncoder encoder;

    public VisionBody(VisionConfig config, SeededDropout dropout) {
        this.config = config;
        embeddings = addChildBlock("embeddings", new VisionEmbeddings(config, config.channels()));
        encoder = addChildBlock("encoder", new VisionEncoder(config, dropout));
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    public VisionConfig config() {
        return config;
    }

    public VisionEmbeddings embeddings() {
        return embeddings;
    }

    public VisionEncoder encoder() {
        return encoder;
    }

    public void initialize(NDManager manager, int batch) {
        initialize(manager, DataType.FLOAT32, new Shape(batch, config.channels(), config.imageSize(), config.imageSize()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encoder.encode(store, embeddings.forward(store, inputs, training).singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return encoder.getOutputShapes(embeddings.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        embeddings.initialize(manager, dataType, inputShapes);
        encoder.initialize(manager, dataType, embeddings.getOutputShapes(inputShapes));
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        embeddings.collectParameters(prefix + "embeddings.", out);
        encoder.collectParameters(prefix + "encoder.", out);
        encoder.collectFinalNorm(prefix + "layernorm.", out);
    }

    public Map<String, ParameterSlot> namedParameters() {
        Map<String, ParameterSlot> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }
}
