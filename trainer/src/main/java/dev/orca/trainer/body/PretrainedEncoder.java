package dev.orca.trainer.body;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import java.util.List;

/** ORCA's {@code g}: the pretrained transformer layers, run on tokens from the task embedder. Text and vision bodies alike. */
public interface PretrainedEncoder extends Block {

    /** Hidden states {@code (B, N', D')} for tokens {@code (B, N, D)} (Swin merges tokens, so N' and D' may differ). */
    NDArray encode(ParameterStore store, NDArray tokens, boolean training);

    /** The LayerNorms the FPT ("layernorm") fine-tuning mode trains. */
    List<LayerNorm> layerNorms();
}
