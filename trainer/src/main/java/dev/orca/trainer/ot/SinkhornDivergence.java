package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import dev.orca.trainer.nd.Scalars;

/**
 * The debiased Sinkhorn divergence {@code S_ε(α, β) = OT_ε(α, β) − ½ OT_ε(α, α) − ½ OT_ε(β, β)} between
 * weighted point clouds under the squared Euclidean cost: zero for identical measures, positive
 * otherwise, and differentiable in the point positions.
 */
public final class SinkhornDivergence {
    private SinkhornDivergence() {}

    /** Batched: {@code x (B, n, d)}, {@code logA (B, n)}, {@code y (B, m, d)}, {@code logB (B, m)}; result {@code (B,)}. */
    public static NDArray of(NDArray x, NDArray logA, NDArray y, NDArray logB, SinkhornOptions options) {
        double eps = options.epsilon();
        NDArray cxy = Costs.squaredEuclidean(x, y);
        NDArray cxx = Costs.squaredEuclidean(x, x);
        NDArray cyy = Costs.squaredEuclidean(y, y);
        Sinkhorn.Potentials pxy = Sinkhorn.solve(cxy, logA, logB, options);
        NDArray fx = Sinkhorn.solveSymmetric(cxx, logA, options);
        NDArray fy = Sinkhorn.solveSymmetric(cyy, logB, options);
        NDArray cross = Sinkhorn.value(cxy, logA, logB, pxy, eps);
        NDArray self = Sinkhorn.symmetricValue(cxx, logA, fx, eps).add(Sinkhorn.symmetricValue(cyy, logB, fy, eps));
        return cross.sub(Scalars.mul(self, 0.5));
    }
}
