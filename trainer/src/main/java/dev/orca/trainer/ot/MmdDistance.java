package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.orca.trainer.nd.Scalars;
import java.util.Arrays;

/**
 * Squared maximum mean discrepancy with a multi-bandwidth RBF kernel,
 * {@code k(x, y) = Σ_σ exp(−‖x − y‖² / 2σ²)}, bandwidths the median source distance times
 * {@code {1/4, 1/2, 1, 2, 4}} (the median heuristic). Biased (V-statistic) estimate; the source–source
 * term is computed once. Labels are ignored.
 */
public final class MmdDistance implements DatasetDistance {

    static final double[] BANDWIDTH_FACTORS = {0.25, 0.5, 1, 2, 4};

    private final NDArray source;
    private final double[] twoSigmaSquared;
    private final double sourceTerm;

    public MmdDistance(NDArray sourceFeatures) {
        OtddChecks.features(sourceFeatures, new int[(int) sourceFeatures.getShape().get(0)], "source");
        this.source = sourceFeatures.stopGradient();
        try (NDScope scope = new NDScope()) {
            long n = Math.min(source.getShape().get(0), 2000);
            float[] distances = Costs.squaredEuclidean(source.get("0:" + n), source.get("0:" + n)).toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            Arrays.sort(distances);
            double median = Math.max(distances[distances.length / 2 + (int) n / 2], 1e-12); // skip the zero diagonal
            twoSigmaSquared = Arrays.stream(BANDWIDTH_FACTORS).map(f -> 2 * f * median).toArray();
            sourceTerm = Scalars.value(kernelMean(source, source));
        }
    }

    private NDArray kernelMean(NDArray x, NDArray y) {
        NDArray d = Costs.squaredEuclidean(x, y);
        NDArray sum = null;
        for (double s : twoSigmaSquared) {
            NDArray k = Scalars.mul(d, -1 / s).exp();
            sum = sum == null ? k : sum.add(k);
        }
        return sum.mean();
    }

    @Override
    public NDArray distance(NDArray features, int[] labels) {
        OtddChecks.features(features, new int[(int) features.getShape().get(0)], "target");
        NDArray xx = kernelMean(features, features);
        NDArray xy = kernelMean(features, source);
        return Scalars.add(xx.sub(Scalars.mul(xy, 2)), sourceTerm);
    }

    @Override
    public boolean usesLabels() {
        return false;
    }
}
