package dev.orca.trainer.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Bilinear resizing of {@code (B, C, H, W)} to {@code (B, C, H', W')} (half-pixel centres, edges clamped:
 * PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}), written as {@code R_h · x · R_wᵀ}
 * with fixed interpolation matrices so that it is differentiable in DJL, which exposes no interpolation op.
 */
public final class Resize2d extends AbstractBlock {
    private final int inH;
    private final int inW;
    private final int outH;
    private final int outW;
    private NDArray rows;
    private NDArray columnsT;

    public Resize2d(int inH, int inW, int outH, int outW) {
        this.inH = inH;
        this.inW = inW;
        this.outH = outH;
        this.outW = outW;
    }

    /** {@code (out, in)} weights of 1D linear interpolation. */
    static float[] weights(int in, int out) {
        float[] w = new float[out * in];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = Math.max(0, (o + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(src), in - 1);
            int i1 = Math.min(i0 + 1, in - 1);
            double frac = src - i0;
            w[o * in + i0] += (float) (1 - frac);
            w[o * in + i1] += (float) frac;
        }
        return w;
    }

    public boolean identity() {
        return inH == outH && inW == outW;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (identity()) {
            return new NDList(x);
        }
        return new NDList(rows.matMul(x).matMul(columnsT));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(1), outH, outW)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        rows = manager.create(weights(inH, outH), new Shape(outH, inH));
        columnsT = manager.create(weights(inW, outW), new Shape(outW, inW)).transpose();
    }
}
