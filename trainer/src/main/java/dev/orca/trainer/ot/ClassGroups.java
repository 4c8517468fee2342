package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;

/**
 * The class-conditional point clouds of one dataset, batched: {@code points (K, n, D)} padded per class,
 * {@code logWeights (K, n)} uniform within each class and {@link Sinkhorn#LOG_ZERO} on padding.
 */
public record ClassGroups(NDArray points, NDArray logWeights, int[] counts) {

    static ClassGroups of(LabelledCloud cloud, NDArray features) {
        return new ClassGroups(cloud.grouped(features),
                cloud.groupedLogWeights(features.getManager(), features.getDataType()), cloud.counts);
    }

    int classCount() {
        return counts.length;
    }
}
