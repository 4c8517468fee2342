package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.orca.trainer.nd.Scalars;
import java.util.List;

/**
 * {@code W(y, y')} = 2-Wasserstein distance between Gaussians fitted to the classes:
 * {@code ‖μ − μ'‖² + tr Σ + tr Σ' − 2 tr (Σ^½ Σ' Σ^½)^½}.
 *
 * <p>The cross term equals {@code tr sqrt(A^T Σ' A)} with {@code Σ = A A^T}, {@code A = X_c^T / √n}: an
 * {@code n × n} matrix, far smaller than {@code D × D} for ORCA's class-wise batches of 128 points. Where
 * a class has more points than dimensions, {@code Σ^½ Σ' Σ^½} is used instead.
 */
final class GaussianLabelDistance implements LabelDistance {

    /** Class means {@code (K, D)}, covariances {@code (K, D, D)}, scaled centred samples {@code (K, n, D)}. */
    record Gaussians(NDArray means, NDArray covariances, NDArray factors, int[] counts, DataType type)
            implements Prepared {
        @Override
        public int classCount() {
            return counts.length;
        }

        @Override
        public List<NDArray> arrays() {
            return List.of(means, covariances, factors);
        }
    }

    @Override
    public Prepared prepare(ClassGroups groups) {
        // float64 throughout: covariances of fewer points than dimensions are singular, and float32
        // rounding makes their zero eigenvalues negative enough for Newton–Schulz to blow up.
        NDArray points = groups.points().toType(DataType.FLOAT64, false);                   // (K, n, D), padded
        NDArray weights = groups.logWeights().toType(DataType.FLOAT64, false).exp().expandDims(-1); // 1/n_k or 0
        NDArray means = points.mul(weights).sum(new int[] {1});         // (K, D)
        NDArray present = weights.gt(0).toType(points.getDataType(), false);
        NDArray centred = points.sub(means.expandDims(1)).mul(present); // padding rows are 0
        NDArray factors = centred.mul(weights.sqrt());                  // rows x_c / √n
        NDArray covariances = factors.swapAxes(1, 2).matMul(factors);   // (K, D, D)
        return new Gaussians(means, covariances, factors, groups.counts(), groups.points().getDataType());
    }

    @Override
    public NDArray between(Prepared first, Prepared second) {
        Gaussians a = (Gaussians) first;
        Gaussians b = (Gaussians) second;
        if (a.factors().hasGradient() || b.factors().hasGradient() || a.classCount() == 1) {
            return pairs(a, b);
        }
        // Without gradients (the source side, once per source), one row of classes at a time: the
        // Newton–Schulz temporaries of every pair at once would take gigabytes at D = 384.
        NDList rows = new NDList();
        for (int i = 0; i < a.classCount(); i++) {
            try (NDScope scope = new NDScope()) {
                Gaussians row = new Gaussians(a.means().get(i + ":" + (i + 1)), a.covariances().get(i + ":" + (i + 1)),
                        a.factors().get(i + ":" + (i + 1)), new int[] {a.counts()[i]}, a.type());
                NDArray distances = pairs(row, b);
                NDScope.unregister(distances);
                rows.add(distances);
            }
        }
        NDArray out = NDArrays.concat(rows, 0);
        rows.close();
        return out;
    }

    private static NDArray pairs(Gaussians a, Gaussians b) {
        int ka = a.classCount();
        int kb = b.classCount();
        NDArray meanTerm = Costs.squaredEuclidean(a.means(), b.means());
        NDArray traceA = MatrixSqrt.trace(a.covariances());
        NDArray traceB = MatrixSqrt.trace(b.covariances());
        long n = a.factors().getShape().get(1);
        long d = a.factors().getShape().get(2);
        NDArray inner;
        if (n <= d) {
            // A^T Σ' A for every pair: (Ka, 1, n, D) x (1, Kb, D, D) x (Ka, 1, D, n).
            NDArray f = a.factors().expandDims(1);
            inner = f.matMul(b.covariances().expandDims(0)).matMul(f.swapAxes(-1, -2));
            inner = inner.reshape(ka * kb, n, n);
        } else {
            NDArray root = MatrixSqrt.sqrt(a.covariances()).expandDims(1);            // (Ka, 1, D, D)
            inner = root.matMul(b.covariances().expandDims(0)).matMul(root).reshape(ka * kb, d, d);
        }
        // Symmetrise against rounding: Newton–Schulz assumes a symmetric matrix.
        inner = Scalars.mul(inner.add(inner.swapAxes(-1, -2)), 0.5);
        NDArray cross = MatrixSqrt.traceSqrt(inner).reshape(ka, kb);
        NDArray bures = traceA.expandDims(1).add(traceB.expandDims(0)).sub(Scalars.mul(cross, 2.0));
        return meanTerm.add(Scalars.maximum(bures, 0.0)).toType(a.type(), false);
    }

}
