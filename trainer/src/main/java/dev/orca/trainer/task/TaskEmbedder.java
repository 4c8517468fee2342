package dev.orca.trainer.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nn.Initialisation;
import java.nio.FloatBuffer;

/**
 * ORCA's task embedder {@code f}: a convolution with kernel = stride = k to the body's hidden size, the
 * patches flattened to tokens, LayerNorm and learned position embeddings initialised from the body's
 * pretrained ones. Stage 2 trains only this block.
 *
 * <p>Input {@code (B, C, L)} or {@code (B, C, H, W)}; output {@code (B, T, D)} with {@code T} the patch count.
 */
public final class TaskEmbedder extends AbstractBlock {

    /** Where the LayerNorm sits relative to the position embeddings. */
    public enum Order {
        /**
         * {@code LayerNorm(conv(x)) + positions}, as the official {@code Embeddings1D.forward} (embedder.py:247-252). The
         * normalised features have norm √D·γ (≈ 20 for D = 384) against pretrained positions of norm ≈ 0.5, so where a
         * token carries one value (one channel, k = 1) it is {@code ±u + p_t}: its sign with the position drowned.
         */
        NORM_THEN_POSITIONS,
        /**
         * {@code LayerNorm(conv(x) + positions)}, as a BERT-family body embeds words (word + position, then LayerNorm):
         * the conv's output takes the place of the word embedding, so features and positions meet at their own scales.
         */
        POSITIONS_THEN_NORM
    }

    private final PatchGeometry geometry;
    private final int hidden;
    private final Order order;
    private final Convolution conv;
    private final LayerNorm norm;
    private final Parameter positions;

    public TaskEmbedder(PatchGeometry geometry, int hidden) {
        this(geometry, hidden, Order.NORM_THEN_POSITIONS);
    }

    public TaskEmbedder(PatchGeometry geometry, int hidden, Order order) {
        this.geometry = geometry;
        this.hidden = hidden;
        this.order = order;
        int k = geometry.k();
        conv = addChildBlock("conv", geometry.dimensions() == 1
                ? Conv1d.builder().setKernelShape(new Shape(k)).optStride(new Shape(k)).setFilters(hidden).build()
                : Conv2d.builder().setKernelShape(new Shape(k, k)).optStride(new Shape(k, k)).setFilters(hidden).build());
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).optEpsilon(1e-5f).build());
        positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(geometry.tokens(), hidden)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray patches = conv.forward(store, new NDList(pad(x)), training).singletonOrThrow(); // (B, D, grid...)
        long batch = patches.getShape().get(0);
        NDArray tokens = patches.reshape(batch, hidden, geometry.tokens()).transpose(0, 2, 1);  // (B, T, D)
        NDArray p = store.getValue(positions, x.getDevice(), training).expandDims(0);
        if (order == Order.POSITIONS_THEN_NORM) {
            return norm.forward(store, new NDList(tokens.add(p)), training);
        }
        return new NDList(norm.forward(store, new NDList(tokens), training).singletonOrThrow().add(p));
    }

    private NDArray pad(NDArray x) {
        long[] padding = new long[2 * geometry.dimensions()];
        boolean any = false;
        // torch's F.pad order: last axis first, (before, after) per axis.
        for (int axis = 0; axis < geometry.dimensions(); axis++) {
            long after = geometry.padding(geometry.dimensions() - 1 - axis);
            padding[2 * axis + 1] = after;
            any |= after > 0;
        }
        return any ? x.pad(new Shape(padding), 0) : x;
    }

    /**
     * The initialisation of an embedder that stage 2 trains: the LayerNorm is the body's own embedding LayerNorm
     * ({@code gamma}, {@code beta}) and the bias zero, as the official {@code embedder_init} (utils.py:697-701). The
     * projection follows the order. {@link Order#NORM_THEN_POSITIONS}: the official {@code conv_init} (utils.py:666-671),
     * xavier-uniform with gain √2 — its scale does not matter there, the norm comes straight after it.
     * {@link Order#POSITIONS_THEN_NORM}: truncated normal with standard deviation 0.02, as a BERT-family body initialises
     * the word embeddings the projection stands in for. There the projection's scale decides how much of a token is its
     * value and how much its position: xavier × √2 (≈ 0.10 for one input channel and D = 384) makes the content five
     * times the pretrained positions' norm, and the normalised token is again mostly the value's sign, the failure the
     * order exists to avoid.
     */
    public void initializeForAlignment(java.util.Random random, float[] gamma, float[] beta) {
        NDArray weight = conv.getParameters().get("weight").getArray();
        if (order == Order.POSITIONS_THEN_NORM) {
            fill(Initialisation.truncatedNormal(random, Math.toIntExact(weight.size()), 0.02), gamma, beta);
            return;
        }
        long[] shape = weight.getShape().getShape();
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        fill(Initialisation.xavierUniform(random, Math.toIntExact(weight.size()), shape[1] * receptive, shape[0] * receptive,
                Math.sqrt(2)), gamma, beta);
    }

    /**
     * The official initialisation of an embedder that is not aligned ({@code utils.py} {@code embedder_init}, lines
     * 703-712): the convolution truncated-normal with standard deviation 0.02 (cut at ±2, as timm's {@code trunc_normal_})
     * and zero bias, the LayerNorm 1 and 0.
     */
    public void initializePlain(java.util.Random random) {
        fill(Initialisation.truncatedNormal(random, Math.toIntExact(conv.getParameters().get("weight").getArray().size()), 0.02),
                Initialisation.filled(hidden, 1f), new float[hidden]);
    }

    private void fill(float[] weight, float[] gamma, float[] beta) {
        if (gamma.length != hidden || beta.length != hidden) {
            throw new IllegalArgumentException("the LayerNorm to copy has " + gamma.length + " values, the embedder " + hidden);
        }
        conv.getParameters().get("weight").getArray().set(FloatBuffer.wrap(weight));
        conv.getParameters().get("bias").getArray().set(FloatBuffer.wrap(new float[hidden]));
        norm.getParameters().get("gamma").getArray().set(FloatBuffer.wrap(gamma));
        norm.getParameters().get("beta").getArray().set(FloatBuffer.wrap(beta));
    }

    /**
     * What the token construction is made of at one point of stage 2: the projection's weight norm (Frobenius) and the
     * positions' mean and standard deviation over every entry. Under {@link Order#POSITIONS_THEN_NORM} their ratio decides
     * how much of a token is its value and how much its position, so these show what alignment did to that balance.
     *
     * @param epoch alignment epochs completed (0: before the first)
     */
    public record Statistics(int epoch, double convWeightNorm, double positionMean, double positionStd) {}

    /** This embedder's {@link Statistics} now, labelled {@code epoch}. */
    public Statistics statistics(int epoch) {
        float[] weight = conv.getParameters().get("weight").getArray().toFloatArray();
        double squares = 0;
        for (float w : weight) {
            squares += (double) w * w;
        }
        float[] p = positions.getArray().toFloatArray();
        double sum = 0;
        for (float v : p) {
            sum += v;
        }
        double mean = sum / p.length;
        double deviations = 0;
        for (float v : p) {
            deviations += (v - mean) * (v - mean);
        }
        return new Statistics(epoch, Math.sqrt(squares), mean, Math.sqrt(deviations / p.length));
    }

    /** Copies the first T rows of a body's pretrained position table (already offset for RoBERTa). */
    public void initializePositions(NDArray pretrained) {
        NDArray rows = pretrained.get(new NDIndex("0:{}", geometry.tokens()));
        positions.getArray().set(FloatBuffer.wrap(rows.toType(DataType.FLOAT32, false).toFloatArray()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), geometry.tokens(), hidden)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long[] padded = in.getShape().clone();
        for (int axis = 0; axis < geometry.dimensions(); axis++) {
            padded[2 + axis] = geometry.grid()[axis] * geometry.k();
        }
        conv.initialize(manager, dataType, new Shape(padded));
        norm.initialize(manager, dataType, new Shape(in.get(0), geometry.tokens(), hidden));
    }

    public PatchGeometry geometry() {
        return geometry;
    }
}
