package dev.orca.trainer.cluster;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.ot.Costs;
import java.util.Random;

/**
 * Seeded k-means with k-means++ initialisation: ORCA's pseudo-labels for dense tasks (k = number of
 * source classes) over flattened targets. Distances are one GEMM per pass on the engine; above
 * {@link #MINI_BATCH_THRESHOLD} points, mini-batch updates (Sculley 2010) replace full Lloyd passes.
 */
public final class KMeans {
    private KMeans() {}

    public static final int MINI_BATCH_THRESHOLD = 50_000;
    static final int MINI_BATCH = 4096;

    /**
     * @param centroids   {@code (k, D)}
     * @param assignments cluster of each point
     * @param inertia     sum of squared distances to the assigned centroid
     * @param iterations  passes (Lloyd) or mini-batch steps
     */
    public record Result(float[][] centroids, int[] assignments, double inertia, int iterations) {}

    public static Result fit(NDArray points, int k, long seed, int maxIterations, double tolerance) {
        Shape shape = points.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("k-means needs (n, D) points, got " + shape);
        }
        long n = shape.get(0);
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], got " + k);
        }
        try (NDScope scope = new NDScope()) {
            NDArray x = points.stopGradient().toType(DataType.FLOAT32, false);
            if (Scalars.value(x.isNaN().logicalOr(x.isInfinite()).toType(DataType.INT32, false).sum()) > 0) {
                throw new IllegalArgumentException("k-means input contains NaN or infinity");
            }
            Random random = new Random(seed);
            NDArray centroids = plusPlus(x, k, random);
            int iterations = 0;
            if (n <= MINI_BATCH_THRESHOLD) {
                double previous = Double.POSITIVE_INFINITY;
                while (iterations < maxIterations) {
                    iterations++;
                    NDArray distances = Costs.squaredEuclidean(x, centroids);
                    NDArray assignment = distances.argMin(1);
                    double inertia = Scalars.value(distances.min(new int[] {1}).sum());
                    centroids = update(x, assignment, centroids, distances, k);
                    if (previous - inertia <= tolerance * Math.max(previous, 1e-30)) {
                        break;
                    }
                    previous = inertia;
                }
            } else {
                centroids = miniBatch(x, centroids, k, random, maxIterations);
                iterations = maxIterations;
            }
            NDArray distances = Costs.squaredEuclidean(x, centroids);
            long[] assignment = distances.argMin(1).toLongArray();
            int[] labels = new int[assignment.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (int) assignment[i];
            }
            double inertia = Scalars.value(distances.min(new int[] {1}).sum());
            return new Result(toRows(centroids, k), labels, inertia, iterations);
        }
    }

    /** k-means++: each next centre drawn with probability proportional to the squared distance to the nearest one. */
    private static NDArray plusPlus(NDArray x, int k, Random random) {
        long n = x.getShape().get(0);
        NDArray centroids = x.get(random.nextInt((int) n)).expandDims(0);
        NDArray nearest = Costs.squaredEuclidean(x, centroids).squeeze(1);
        for (int c = 1; c < k; c++) {
            float[] weights = nearest.toFloatArray();
            double total = 0;
            for (float w : weights) {
                total += w;
            }
            int pick;
            if (total <= 0) {
                pick = random.nextInt((int) n); // all points coincide with a centre
            } else {
                double r = random.nextDouble() * total;
                pick = 0;
                while (pick < weights.length - 1 && (r -= weights[pick]) > 0) {
                    pick++;
                }
            }
            NDArray next = x.get(pick).expandDims(0);
            centroids = centroids.concat(next, 0);
            nearest = nearest.minimum(Costs.squaredEuclidean(x, next).squeeze(1));
        }
        return centroids;
    }

    /** Lloyd update; an empty cluster moves to the point farthest from its centre. */
    private static NDArray update(NDArray x, NDArray assignment, NDArray centroids, NDArray distances, int k) {
        NDManager manager = x.getManager();
        NDArray oneHot = assignment.oneHot(k).toType(DataType.FLOAT32, false);        // (n, k)
        NDArray counts = oneHot.sum(new int[] {0});                                    // (k,)
        NDArray sums = oneHot.transpose().matMul(x);                                   // (k, D)
        NDArray fresh = sums.div(Scalars.maximum(counts, 1).expandDims(1));
        float[] c = counts.toFloatArray();
        for (int j = 0; j < k; j++) {
            if (c[j] == 0) {
                long far = distances.min(new int[] {1}).argMax().getLong();
                fresh.set(new ai.djl.ndarray.index.NDIndex(j), x.get(far));
            }
        }
        return fresh;
    }

    private static NDArray miniBatch(NDArray x, NDArray centroids, int k, Random random, int steps) {
        long n = x.getShape().get(0);
        float[] counts = new float[k];
        NDArray c = centroids;
        for (int step = 0; step < steps; step++) {
            long[] rows = new long[MINI_BATCH];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (long) (random.nextDouble() * n);
            }
            NDArray batch = x.get(x.getManager().create(rows));
            NDArray assignment = Costs.squaredEuclidean(batch, c).argMin(1);
            NDArray oneHot = assignment.oneHot(k).toType(DataType.FLOAT32, false);
            float[] batchCounts = oneHot.sum(new int[] {0}).toFloatArray();
            NDArray sums = oneHot.transpose().matMul(batch);
            // Per-centre learning rate 1 / (points seen so far), as in Sculley's algorithm.
            float[] rates = new float[k];
            for (int j = 0; j < k; j++) {
                counts[j] += batchCounts[j];
                rates[j] = counts[j] == 0 ? 0 : batchCounts[j] / counts[j];
            }
            NDArray means = sums.div(Scalars.maximum(x.getManager().create(batchCounts), 1).expandDims(1));
            NDArray rate = x.getManager().create(rates).expandDims(1);
            c = c.add(means.sub(c).mul(rate));
        }
        return c;
    }

    private static float[][] toRows(NDArray centroids, int k) {
        float[] flat = centroids.toFloatArray();
        int d = flat.length / k;
        float[][] out = new float[k][d];
        for (int j = 0; j < k; j++) {
            System.arraycopy(flat, j * d, out[j], 0, d);
        }
        return out;
    }
}
