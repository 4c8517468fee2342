package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;

/**
 * Distances between class-conditional distributions, OTDD's {@code W(y, y')}. Implementations prepare
 * each dataset's classes once (for the fixed source, once per source dataset) and then compare them.
 */
interface LabelDistance {

    /** Per-dataset quantities that every comparison needs. */
    interface Prepared {
        int classCount();

        /** The arrays it holds, so that a caller can keep them beyond the scope that made them. */
        java.util.List<NDArray> arrays();
    }

    Prepared prepare(ClassGroups groups);

    /** {@code (Ka, Kb)} distances, differentiable in whichever side carries gradients. */
    NDArray between(Prepared a, Prepared b);

    /** {@code (K, K)} distances among one dataset's classes, zero on the diagonal. */
    default NDArray within(Prepared a) {
        return OtddSource.zeroDiagonal(between(a, a));
    }

    static java.util.List<NDArray> arraysOf(Prepared prepared) {
        return prepared.arrays();
    }

    static LabelDistance of(OtddOptions options) {
        return switch (options.labelCost()) {
            case EXACT -> new ExactLabelDistance(options.sinkhorn());
            case GAUSSIAN -> new GaussianLabelDistance();
        };
    }
}
