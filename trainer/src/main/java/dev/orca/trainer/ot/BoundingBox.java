package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Axis-aligned bounding boxes of point clouds, {@code min} and {@code max} of shape {@code (..., D)}, detached.
 * geomloss (and so microsoft/otdd) starts its ε-scaling at the squared diagonal of the joint box of the two
 * clouds of a problem ({@code max_diameter}), so the {@link SinkhornOptions.Schedule#ANNEALED} schedule needs it.
 */
record BoundingBox(NDArray min, NDArray max) {

    /** The box of {@code points (..., n, D)}, counting only points whose log-weight is not {@link Sinkhorn#LOG_ZERO}. */
    static BoundingBox of(NDArray points, NDArray logWeights) {
        NDArray p = points.stopGradient();
        try (NDScope scope = new NDScope()) {
            // Padding points carry no mass and may lie anywhere: move them beyond the other side of the box.
            NDArray padding = logWeights.stopGradient().lte(Sinkhorn.LOG_ZERO / 2).expandDims(-1)
                    .toType(p.getDataType(), false).mul(p.getManager().full(new ai.djl.ndarray.types.Shape(), 1e30f, p.getDataType()));
            NDArray min = p.add(padding).min(new int[] {-2});
            NDArray max = p.sub(padding).max(new int[] {-2});
            NDScope.unregister(min, max);
            return new BoundingBox(min, max);
        }
    }

    /** The box of {@code points (n, D)}, all of them. */
    static BoundingBox of(NDArray points) {
        NDArray p = points.stopGradient();
        return new BoundingBox(p.min(new int[] {-2}), p.max(new int[] {-2}));
    }

    /**
     * The diagonal of the joint box of each pair of boxes ({@code a} and {@code b} broadcast against each other,
     * leading shape {@code (B)} or scalar), with {@code extraSquared} added under the root for coordinates kept
     * outside the boxes (OTDD's label coordinate).
     */
    static double[] diameters(BoundingBox a, BoundingBox b, double extraSquared) {
        try (NDScope scope = new NDScope()) {
            NDArray extent = a.max.maximum(b.max).sub(a.min.minimum(b.min)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
            double[] squared = extent.mul(extent).sum(new int[] {-1}).reshape(-1).toDoubleArray();
            double[] out = new double[squared.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.sqrt(squared[i] + extraSquared);
            }
            return out;
        }
    }

    /** The boxes of rows {@code index} (leading axis). */
    BoundingBox get(NDArray index) {
        return new BoundingBox(min.get(index), max.get(index));
    }

    /** The same boxes with a new axis at {@code axis}, to broadcast every box of one set against every box of another. */
    BoundingBox expand(int axis) {
        return new BoundingBox(min.expandDims(axis), max.expandDims(axis));
    }

    java.util.List<NDArray> arrays() {
        return java.util.List.of(min, max);
    }
}
