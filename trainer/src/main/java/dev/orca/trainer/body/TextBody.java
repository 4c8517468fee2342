package dev.orca.trainer.body;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.orca.trainer.nn.SeededDropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT-family text encoder: the pretrained {@link TokenEmbeddings} followed by the {@link Encoder}.
 * The two halves are separate blocks because ORCA uses them separately.
 *
 * <p>Input: token ids {@code (B, S)}, attention mask {@code (B, S)}, optional token types {@code (B, S)};
 * output: last hidden states {@code (B, S, D)}.
 */
public final class TextBody extends AbstractBlock implements NamedParameters {

    private final BodyConfig config;
    private final TokenEmbeddings embeddings;
    private final Encoder encoder;
    private final SeededDropout dropout;

    public TextBody(BodyConfig config) {
        this(config, new SeededDropout(0));
    }

    /** A body whose dropout masks come from {@code dropout} (seed it from the experiment for reproducible runs). */
    public TextBody(BodyConfig config, SeededDropout dropout) {
        this.config = config;
        this.dropout = dropout;
        embeddings = addChildBlock("embeddings", new TokenEmbeddings(config, dropout));
        encoder = addChildBlock("encoder", new Encoder(config, dropout));
        // BERT's own initialisation; what a scratch body starts from, and what a checkpoint overwrites.
        setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
    }

    /** Allocates the parameters for inputs of up to {@code batch} x {@code length} tokens. */
    public void initialize(NDManager manager, int batch, int length) {
        Shape tokens = new Shape(batch, length);
        initialize(manager, DataType.FLOAT32, tokens, tokens);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList embedInputs = inputs.size() > 2 ? new NDList(inputs.get(0), inputs.get(2)) : new NDList(inputs.get(0));
        var hidden = embeddings.forward(store, embedInputs, training).singletonOrThrow();
        return encoder.forward(store, new NDList(hidden, inputs.get(1)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), config.hidden())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        embeddings.initialize(manager, dataType, tokens);
        encoder.initialize(manager, dataType, new Shape(tokens.get(0), tokens.get(1), config.hidden()), tokens);
    }

    @Override
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        embeddings.collectParameters(prefix + "embeddings.", out);
        encoder.collectParameters(prefix + "encoder.", out);
    }

    /** Every parameter under its Hugging Face name (without a model prefix such as {@code bert.}). */
    public Map<String, ParameterSlot> namedParameters() {
        Map<String, ParameterSlot> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    public BodyConfig config() {
        return config;
    }

    public SeededDropout dropout() {
        return dropout;
    }

    public TokenEmbeddings embeddings() {
        return embeddings;
    }

    public Encoder encoder() {
        return encoder;
    }
}
