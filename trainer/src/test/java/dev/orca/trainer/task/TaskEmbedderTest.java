package dev.orca.trainer.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The official initialisations, and what the LayerNorm's place does to one-value tokens (issue 18, point 5). */
class TaskEmbedderTest {

    private static final int D = 64;

    /** DJL names a child's parameters with the child's position first ("01conv_weight"). */
    private static NDArray parameter(TaskEmbedder e, String suffix) {
        return e.getParameters().stream().filter(p -> p.getKey().endsWith(suffix)).findFirst().orElseThrow().getValue().getArray();
    }

    private static TaskEmbedder embedder(NDManager m, TaskEmbedder.Order order, long length) {
        TaskEmbedder e = new TaskEmbedder(PatchGeometry.of(new long[] {length}, 512), D, order);
        e.initialize(m, DataType.FLOAT32, new Shape(1, 1, length));
        return e;
    }

    private static double rootMeanSquare(float[] values) {
        double sumSquares = 0;
        for (float v : values) {
            sumSquares += v * v;
        }
        return Math.sqrt(sumSquares / values.length);
    }

    private static float[] positionsOfNormFiveTenths(long tokens) {
        Random r = new Random(1);
        float[] p = new float[(int) (tokens * D)];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextGaussian() * 0.5 / Math.sqrt(D)); // ‖p_t‖ ≈ 0.5, as MiniLM's
        }
        return p;
    }

    private static float[] tokens(NDManager m, TaskEmbedder e, float[] x) {
        return e.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(1, 1, x.length))), false)
                .singletonOrThrow().toFloatArray();
    }

    @Test
    void alignedEmbedderStartsFromXavierTimesRootTwoAndTheBodysLayerNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEmbedder e = embedder(m, TaskEmbedder.Order.NORM_THEN_POSITIONS, 8);
            float[] gamma = new float[D];
            float[] beta = new float[D];
            Arrays.fill(gamma, 0.6f);
            Arrays.fill(beta, 0.01f);
            e.initializeForAlignment(new Random(3), gamma, beta);
            float[] w = parameter(e, "conv_weight").toFloatArray();
            double bound = Math.sqrt(2) * Math.sqrt(6.0 / (1 + D)); // fan in 1 x k(1), fan out D x k(1)
            double max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound && max > 0.8 * bound, "xavier-uniform gain √2 spans ±" + bound + ", max " + max);
            assertEquals(0, parameter(e, "conv_bias").abs().sum().getFloat());
            assertEquals(0.6f, parameter(e, "norm_gamma").toFloatArray()[5], 0);
            assertEquals(0.01f, parameter(e, "norm_beta").toFloatArray()[7], 0);
        }
    }

    @Test
    void plainEmbedderStartsFromSmallTruncatedNormalWeightsAndAUnitLayerNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEmbedder e = new TaskEmbedder(PatchGeometry.of(new long[] {64}, 16), D); // k 4
            e.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64));
            e.initializePlain(new Random(4));
            assertEquals(0.02, rootMeanSquare(parameter(e, "conv_weight").toFloatArray()), 0.002);
            assertEquals(1f, parameter(e, "norm_gamma").toFloatArray()[0], 0);
            assertEquals(0f, parameter(e, "norm_beta").toFloatArray()[0], 0);
        }
    }

    /**
     * One channel at k = 1: before the positions, the LayerNorm leaves each token only the sign of its value, so two
     * inputs with the same signs embed identically; after the positions, the value survives.
     */
    @Test
    void layerNormBeforeThePositionsKeepsOnlyTheSignOfAOneValueToken() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] small = {1.0f, -1.2f, 1.5f, 2.0f};
            float[] large = {5.0f, -3.0f, 2.5f, 8.0f}; // same signs, other magnitudes
            float[] ones = new float[D];
            Arrays.fill(ones, 1f);
            for (TaskEmbedder.Order order : TaskEmbedder.Order.values()) {
                TaskEmbedder e = embedder(m, order, 4);
                e.initializeForAlignment(new Random(5), ones, new float[D]);
                e.initializePositions(m.create(positionsOfNormFiveTenths(4), new Shape(4, D)));
                float[] a = tokens(m, e, small);
                float[] b = tokens(m, e, large);
                double difference = 0;
                for (int i = 0; i < a.length; i++) {
                    difference = Math.max(difference, Math.abs(a[i] - b[i]));
                }
                if (order == TaskEmbedder.Order.NORM_THEN_POSITIONS) {
                    assertEquals(0, difference, 1e-3, "official order: magnitudes are lost");
                } else {
                    assertTrue(difference > 0.1, "positions before the LayerNorm keep the magnitude, max difference " + difference);
                }
            }
        }
    }

    /**
     * After the positions, the aligned start is truncated normal 0.02 with the body's LayerNorm: one value repeated at
     * four positions gives four clearly different tokens. (xavier × √2 there makes the value ~4× the positions' norm and
     * the tokens differ by about a third of this.)
     */
    @Test
    void alignedStartAfterThePositionsKeepsThePositionsVisible() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEmbedder e = embedder(m, TaskEmbedder.Order.POSITIONS_THEN_NORM, 4);
            float[] ones = new float[D];
            Arrays.fill(ones, 1f);
            float[] beta = new float[D];
            beta[3] = 0.25f;
            e.initializeForAlignment(new Random(6), ones, beta);
            assertEquals(0.02, rootMeanSquare(parameter(e, "conv_weight").toFloatArray()), 0.006);
            assertEquals(0.25f, parameter(e, "norm_beta").toFloatArray()[3], 0);
            e.initializePositions(m.create(positionsOfNormFiveTenths(4), new Shape(4, D)));
            beta[3] = 0;
            parameter(e, "norm_beta").set(java.nio.FloatBuffer.wrap(beta));
            float[] t = tokens(m, e, new float[] {1f, 1f, 1f, 1f});
            double mean = 0;
            int pairs = 0;
            for (int a = 0; a < 4; a++) {
                for (int b = a + 1; b < 4; b++) {
                    double squares = 0;
                    for (int i = 0; i < D; i++) {
                        double d = t[a * D + i] - t[b * D + i];
                        squares += d * d;
                    }
                    mean += Math.sqrt(squares / D);
                    pairs++;
                }
            }
            mean /= pairs;
            assertTrue(mean > 0.8, "tokens of one value at different positions differ by " + mean + " of their norm");
        }
    }

    @Test
    void statisticsAreTheProjectionsNormAndThePositionsMeanAndSpread() {
        try (NDManager m = NDManager.newBaseManager()) {
            TaskEmbedder e = embedder(m, TaskEmbedder.Order.POSITIONS_THEN_NORM, 2);
            float[] weight = new float[D];
            weight[0] = 3f;
            weight[D - 1] = -4f;
            parameter(e, "conv_weight").set(java.nio.FloatBuffer.wrap(weight));
            float[] positions = new float[2 * D];
            Arrays.fill(positions, 0, D, 1f);   // half the entries 1, half -1: mean 0, spread 1
            Arrays.fill(positions, D, 2 * D, -1f);
            positions[0] = 3f;                   // mean 2 / (2D), so the spread moves off 1 as well
            e.initializePositions(m.create(positions, new Shape(2, D)));
            TaskEmbedder.Statistics s = e.statistics(7);
            assertEquals(7, s.epoch());
            assertEquals(5.0, s.convWeightNorm(), 1e-6);
            double mean = 2.0 / (2 * D);
            assertEquals(mean, s.positionMean(), 1e-7);
            double squares = (3 - mean) * (3 - mean) + (D - 1) * (1 - mean) * (1 - mean) + D * (1 + mean) * (1 + mean);
            assertEquals(Math.sqrt(squares / (2 * D)), s.positionStd(), 1e-6);
        }
    }
}
