package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import dev.orca.trainer.nd.Scalars;

/** Ground costs between point clouds. */
public final class Costs {
    private Costs() {}

    /**
     * Squared Euclidean distances {@code ‖x_i − y_j‖²} between {@code x (..., n, d)} and {@code y (..., m, d)},
     * {@code (..., n, m)}, through one batched GEMM; clamped at 0 against rounding.
     */
    public static NDArray squaredEuclidean(NDArray x, NDArray y) {
        int last = x.getShape().dimension() - 1;
        NDArray xx = x.mul(x).sum(new int[] {last}, true);                 // (..., n, 1)
        NDArray yy = y.mul(y).sum(new int[] {last}, true);                 // (..., m, 1)
        NDArray cross = x.matMul(y.swapAxes(-1, -2));                      // (..., n, m)
        NDArray c = xx.add(yy.swapAxes(-1, -2)).sub(Scalars.mul(cross, 2.0));
        return Scalars.maximum(c, 0.0);
    }
}
