package dev.orca.trainer.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.body.Blocks;
import dev.orca.trainer.body.NamedParameters;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.body.SelfAttention;
import dev.orca.trainer.nd.Autocast;
import dev.orca.trainer.nn.SeededDropout;
import java.util.List;
import java.util.Map;

/**
 * One pre-LayerNorm transformer block of a vision body: {@code x += W_o Attn(LN(x))}, {@code x += W_2 GELU(W_1 LN(x))}.
 * With a window it is a Swin block: attention within non-overlapping {@code w × w} windows of the token grid,
 * plus a learned relative position bias, the grid cyclically shifted by {@code shift} first (and the
 * attention across the wrap-around masked), as Liu et al. (2021) and Hugging Face's SwinLayer do.
 */
public final class PreNormBlock extends AbstractBlock implements NamedParameters {
    /** What masked pairs get before the softmax (Hugging Face and torchvision use the same). */
    private static final float MASKED = -100f;

    private final int width;
    private final int heads;
    private final int side;
    private final int window;
    private final int shift;
    private final LayerNorm before;
    private final SelfAttention attention;
    private final Linear attentionOutput;
    private final LayerNorm after;
    private final Linear intermediate;
    private final Linear output;
    private final int intermediateWidth;
    private final Parameter biasTable;
    private NDArray biasIndex;
    private NDArray windowMask;

    /** A ViT block ({@code window = 0}) or a Swin block on a {@code side × side} grid. */
    public PreNormBlock(int width, int heads, int intermediateWidth, float eps, int side, int window, int shift, SeededDropout dropout) {
        this.width = width;
        this.heads = heads;
        this.side = side;
        this.window = window;
        this.shift = shift;
        this.intermediateWidth = intermediateWidth;
        before = addChildBlock("before", LayerNorm.builder().axis(2).optEpsilon(eps).build());
        attention = addChildBlock("attention", new SelfAttention(width, heads, 0f, dropout));
        attentionOutput = addChildBlock("attentionOutput", Linear.builder().setUnits(width).build());
        after = addChildBlock("after", LayerNorm.builder().axis(2).optEpsilon(eps).build());
        intermediate = addChildBlock("intermediate", Linear.builder().setUnits(intermediateWidth).build());
        output = addChildBlock("output", Linear.builder().setUnits(width).build());
        biasTable = window > 0 ? addParameter(Parameter.builder().setName("relative_position_bias_table")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape((2L * window - 1) * (2L * window - 1), heads)).build()) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray normed = before.forward(store, new NDList(x), training).singletonOrThrow();
        NDArray attended = window > 0 ? windowed(store, normed, training) : global(store, normed, training);
        x = x.add(attended);
        NDArray inner = Activation.gelu(Autocast.linear(store, intermediate,
                after.forward(store, new NDList(x), training).singletonOrThrow(), training));
        return new NDList(x.add(Autocast.linear(store, output, inner, training)));
    }

    private NDArray global(ParameterStore store, NDArray x, boolean training) {
        NDArray context = attention.forward(store, new NDList(x), training).singletonOrThrow();
        return Autocast.linear(store, attentionOutput, context, training);
    }

    private NDArray windowed(ParameterStore store, NDArray x, boolean training) {
        long batch = x.getShape().get(0);
        int perSide = side / window;
        int tokens = window * window;
        NDArray grid = x.reshape(batch, side, side, width);
        if (shift > 0) {
            grid = roll(roll(grid, -shift, 1), -shift, 2);
        }
        NDArray windows = grid.reshape(batch, perSide, window, perSide, window, width).transpose(0, 1, 3, 2, 4, 5)
                .reshape(batch * perSide * perSide, tokens, width);
        NDArray table = store.getValue(biasTable, x.getDevice(), training);
        NDArray bias = table.get(new NDIndex("{}", biasIndex)).reshape(tokens, tokens, heads).transpose(2, 0, 1).expandDims(0);
        NDArray additive = shift > 0 ? bias.add(windowMask.tile(new long[] {batch, 1, 1, 1})) : bias;
        NDArray context = attention.forward(store, new NDList(windows, additive), training).singletonOrThrow();
        NDArray projected = Autocast.linear(store, attentionOutput, context, training);
        NDArray back = projected.reshape(batch, perSide, perSide, window, window, width).transpose(0, 1, 3, 2, 4, 5)
                .reshape(batch, side, side, width);
        if (shift > 0) {
            back = roll(roll(back, shift, 1), shift, 2);
        }
        return back.reshape(batch, (long) side * side, width);
    }

    /** {@code torch.roll} along one axis: element i moves to i + by (mod n). */
    private static NDArray roll(NDArray x, int by, int axis) {
        long n = x.getShape().get(axis);
        long cut = Math.floorMod(-by, n);
        String head = ":,".repeat(axis);
        return NDArrays.concat(new NDList(x.get(head + cut + ":"), x.get(head + ":" + cut)), axis);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        before.initialize(manager, dataType, in);
        Shape attended = window > 0 ? new Shape(in.get(0), (long) window * window, width) : in;
        attention.initialize(manager, dataType, attended);
        attentionOutput.initialize(manager, dataType, attended);
        after.initialize(manager, dataType, in);
        intermediate.initialize(manager, dataType, in);
        output.initialize(manager, dataType, new Shape(in.get(0), in.get(1), intermediateWidth));
        if (window > 0) {
            biasIndex = manager.create(relativePositionIndex(window));
            windowMask = manager.create(shiftMask(side, window, shift), new Shape(
                    (long) (side / window) * (side / window), 1, (long) window * window, (long) window * window));
        }
    }

    /** For each pair of positions in a window, the row of the bias table for their relative offset. */
    static long[] relativePositionIndex(int w) {
        int n = w * w;
        long[] index = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dy = i / w - j / w + w - 1;
                int dx = i % w - j % w + w - 1;
                index[i * n + j] = (long) dy * (2 * w - 1) + dx;
            }
        }
        return index;
    }

    /**
     * {@code (windows, S, S)}: 0 where two tokens of a window of the shifted grid came from the same region
     * of the unshifted one, {@link #MASKED} where the cyclic shift brought them together.
     */
    static float[] shiftMask(int side, int w, int shift) {
        int[] region = new int[side * side];
        int[] bounds = {0, side - w, side - shift, side};
        if (shift > 0) {
            int label = 0;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    for (int y = bounds[a]; y < bounds[a + 1]; y++) {
                        for (int x = bounds[b]; x < bounds[b + 1]; x++) {
                            region[y * side + x] = label;
                        }
                    }
                    label++;
                }
            }
        }
        int perSide = side / w;
        int n = w * w;
        float[] mask = new float[perSide * perSide * n * n];
        for (int wy = 0; wy < perSide; wy++) {
            for (int wx = 0; wx < perSide; wx++) {
                int base = (wy * perSide + wx) * n * n;
                for (int i = 0; i < n; i++) {
                    int ri = region[(wy * w + i / w) * side + wx * w + i % w];
                    for (int j = 0; j < n; j++) {
                        int rj = region[(wy * w + j / w) * side + wx * w + j % w];
                        mask[base + i * n + j] = ri == rj ? 0f : MASKED;
                    }
                }
            }
        }
        return mask;
    }

    /** Hugging Face names: ViT and Swin name the same pieces differently. */
    public void collectParameters(String prefix, Map<String, ParameterSlot> out) {
        boolean swin = window > 0;
        Blocks.layerNorm(prefix + "layernorm_before.", before, out);
        attention.collectParameters(prefix + (swin ? "attention.self." : "attention.attention."), out);
        Blocks.linear(prefix + "attention.output.dense.", attentionOutput, out);
        Blocks.layerNorm(prefix + "layernorm_after.", after, out);
        Blocks.linear(prefix + "intermediate.dense.", intermediate, out);
        Blocks.linear(prefix + "output.dense.", output, out);
        if (swin) {
            out.put(prefix + "attention.self.relative_position_bias_table", ParameterSlot.whole(biasTable));
        }
    }

    public List<LayerNorm> layerNorms() {
        return List.of(before, after);
    }
}
