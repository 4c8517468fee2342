package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable distance from embedded target data to the fixed, prepared proxy source: what ORCA's
 * stage 2 minimises over the task embedder. Implementations: {@link OtddDistance} (exact or Gaussian
 * label costs), {@link MmdDistance}, {@link EuclideanDistance} — the paper's Table 7 ablations.
 */
public interface DatasetDistance {

    /** The distance as a 0-d array, differentiable in {@code features (n, D)}. */
    NDArray distance(NDArray features, int[] labels);

    /** Whether the metric reads labels (OTDD) or only features (MMD, Euclidean). */
    boolean usesLabels();
}
