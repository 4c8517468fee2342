package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.nd.Scalars;

/**
 * Square roots of symmetric positive semi-definite matrices by the coupled Newton–Schulz iteration:
 * matrix products only, so it runs batched on the engine and autograd differentiates it (DJL exposes no
 * eigendecomposition). After normalising by the Frobenius norm every eigenvalue lies in [0, 1], where
 * the iteration converges. Covariances of fewer points than dimensions are singular, and in float32
 * their zero eigenvalues come out as tiny negatives that the iteration amplifies by 2.25× per step
 * into NaN; so it runs in float64 (callers should build the matrix in float64 too), where 30 steps
 * keep that noise below 1e-5.
 */
final class MatrixSqrt {
    private MatrixSqrt() {}

    static final int ITERATIONS = 30;

    /** {@code sqrt(M)} for a batch {@code (B, m, m)}. */
    static NDArray sqrt(NDArray m) {
        NDArray[] yAndNorm = iterate(m.toType(DataType.FLOAT64, false));
        return yAndNorm[0].mul(yAndNorm[1].sqrt().expandDims(-1).expandDims(-1)).toType(m.getDataType(), false);
    }

    /** {@code tr sqrt(M)} for a batch {@code (B, m, m)}, {@code (B,)}. */
    static NDArray traceSqrt(NDArray m) {
        NDArray[] yAndNorm = iterate(m.toType(DataType.FLOAT64, false));
        return trace(yAndNorm[0]).mul(yAndNorm[1].sqrt()).toType(m.getDataType(), false);
    }

    static NDArray trace(NDArray batch) {
        long size = batch.getShape().get(batch.getShape().dimension() - 1);
        NDArray eye = batch.getManager().eye((int) size).toType(batch.getDataType(), false);
        return batch.mul(eye).sum(new int[] {-2, -1});
    }

    private static NDArray[] iterate(NDArray m) {
        Shape s = m.getShape();
        int size = (int) s.get(s.dimension() - 1);
        NDArray norm = Scalars.add(m.mul(m).sum(new int[] {-2, -1}), 1e-20).sqrt();
        NDArray y = m.div(norm.expandDims(-1).expandDims(-1));
        NDArray eye = m.getManager().eye(size).toType(m.getDataType(), false);
        NDArray threeEye = Scalars.mul(eye, 3.0);
        NDArray z = eye.broadcast(s);
        for (int i = 0; i < ITERATIONS; i++) {
            NDArray t = Scalars.mul(threeEye.sub(z.matMul(y)), 0.5);
            y = y.matMul(t);
            z = t.matMul(z);
        }
        return new NDArray[] {y, norm};
    }
}
