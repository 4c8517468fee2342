package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import dev.orca.trainer.nd.Scalars;

/**
 * Mean pairwise Euclidean distance {@code mean_ij ‖x_i − y_j‖} between the target batch and the source:
 * the simplest feature-space alignment of the paper's ablation. Labels are ignored. A tiny constant
 * inside the square root keeps the gradient finite where a target point sits on a source point.
 */
public final class EuclideanDistance implements DatasetDistance {

    private final NDArray source;

    public EuclideanDistance(NDArray sourceFeatures) {
        OtddChecks.features(sourceFeatures, new int[(int) sourceFeatures.getShape().get(0)], "source");
        this.source = sourceFeatures.stopGradient();
    }

    @Override
    public NDArray distance(NDArray features, int[] labels) {
        OtddChecks.features(features, new int[(int) features.getShape().get(0)], "target");
        return Scalars.add(Costs.squaredEuclidean(features, source), 1e-12).sqrt().mean();
    }

    @Override
    public boolean usesLabels() {
        return false;
    }
}
