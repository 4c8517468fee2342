package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.body.PretrainedEncoder;
import java.util.ArrayList;
import java.util.List;

/** ORCA's network: task embedder {@code f}, pretrained transformer layers {@code g}, predictor {@code h}. */
public final class OrcaModel extends AbstractBlock {

    private final Block embedder;
    private final PretrainedEncoder encoder;
    private final Block head;

    public OrcaModel(Block embedder, PretrainedEncoder encoder, Block head) {
        this.embedder = addChildBlock("embedder", embedder);
        this.encoder = addChildBlock("body", encoder);
        this.head = addChildBlock("head", head);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = embedder.forward(store, inputs, training).singletonOrThrow();
        NDArray hidden = encoder.encode(store, tokens, training);
        return head.forward(store, new NDList(hidden), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = embedder.getOutputShapes(inputShapes)[0];
        return head.getOutputShapes(encoder.getOutputShapes(new Shape[] {tokens}));
    }

    /** The embedder and encoder are initialised by their owners; only the head is sized here. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        head.initialize(manager, dataType, encoder.getOutputShapes(embedder.getOutputShapes(inputShapes))[0]);
    }

    /** Everything ("full" fine-tuning). */
    public List<Parameter> allParameters() {
        List<Parameter> out = new ArrayList<>();
        getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    /** What stage 2 trains: the task embedder only. */
    public List<Parameter> embedderParameters() {
        List<Parameter> out = new ArrayList<>();
        embedder.getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    /** The FPT setting: embedder, predictor and the body's LayerNorms. */
    public List<Parameter> layerNormParameters() {
        List<Parameter> out = embedderParameters();
        head.getParameters().forEach(p -> out.add(p.getValue()));
        for (var norm : encoder.layerNorms()) {
            norm.getParameters().forEach(p -> out.add(p.getValue()));
        }
        return out;
    }

    public Block embedder() {
        return embedder;
    }
}
