package dev.orca.trainer.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SinkhornTest {

    private static NDArray points(NDManager m, double[][] values, DataType type) {
        return m.create(values).toType(type, false).expandDims(0);
    }

    private static NDArray logWeights(NDManager m, double[] weights, DataType type) {
        return m.create(weights).log().toType(type, false).expandDims(0);
    }

    @Test
    void matchesPotForEachEpsilonWithinOnePercent() {
        for (JsonNode problem : Fixtures.reference().get("sinkhorn")) {
            try (NDManager m = NDManager.newBaseManager()) {
                double eps = problem.get("eps").asDouble();
                NDArray x = points(m, Fixtures.matrix(problem.get("x")), DataType.FLOAT32);
                NDArray y = points(m, Fixtures.matrix(problem.get("y")), DataType.FLOAT32);
                NDArray la = logWeights(m, Fixtures.vector(problem.get("a")), DataType.FLOAT32);
                NDArray lb = logWeights(m, Fixtures.vector(problem.get("b")), DataType.FLOAT32);
                NDArray cost = Costs.squaredEuclidean(x, y);
                SinkhornOptions options = SinkhornOptions.DEFAULT.withEpsilon(eps);
                Sinkhorn.Potentials p = Sinkhorn.solve(cost, la, lb, options);
                double value = Sinkhorn.value(cost, la, lb, p, eps).getFloat();
                double transport = Sinkhorn.plan(cost, la, lb, p, eps).mul(cost).sum().getFloat();
                double potValue = problem.get("value").asDouble();
                double potTransport = problem.get("transport_cost").asDouble();
                assertEquals(potValue, value, 0.01 * Math.abs(potValue), "entropic value at eps " + eps);
                assertEquals(potTransport, transport, 0.01 * Math.abs(potTransport), "<P, C> at eps " + eps);
                assertTrue(p.marginalError() < options.tolerance(), "converged: " + p.marginalError());
            }
        }
    }

    @Test
    void approachesExactTransportAsEpsilonShrinks() {
        JsonNode emd = Fixtures.reference().get("emd");
        double exact = emd.get("cost").asDouble();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = points(m, Fixtures.matrix(emd.get("x")), DataType.FLOAT64);
            NDArray y = points(m, Fixtures.matrix(emd.get("y")), DataType.FLOAT64);
            NDArray la = logWeights(m, Fixtures.vector(emd.get("a")), DataType.FLOAT64);
            NDArray lb = logWeights(m, Fixtures.vector(emd.get("b")), DataType.FLOAT64);
            NDArray cost = Costs.squaredEuclidean(x, y);
            double previousGap = Double.POSITIVE_INFINITY;
            for (double eps : new double[] {1.0, 0.1, 0.01}) {
                SinkhornOptions options = SinkhornOptions.converged(eps, 1e-6, 20000);
                Sinkhorn.Potentials p = Sinkhorn.solve(cost, la, lb, options);
                double transport = Sinkhorn.plan(cost, la, lb, p, eps).mul(cost).sum().getDouble();
                double gap = Math.abs(transport - exact) / exact;
                assertTrue(gap < previousGap, "gap shrinks with eps: " + gap + " at " + eps);
                previousGap = gap;
            }
            assertTrue(previousGap < 0.02, "within 2% of EMD at eps 0.01: " + previousGap);
        }
    }

    @Test
    void debiasedDivergenceIsZeroOnItselfAndSymmetric() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            NDArray x = m.randomNormal(new Shape(1, 50, 6));
            NDArray y = m.randomNormal(0.5f, 1.5f, new Shape(1, 70, 6), DataType.FLOAT32);
            NDArray lx = Sinkhorn.uniformLogWeights(m, 1, 50, DataType.FLOAT32);
            NDArray ly = Sinkhorn.uniformLogWeights(m, 1, 70, DataType.FLOAT32);
            SinkhornOptions o = SinkhornOptions.DEFAULT;
            double self = SinkhornDivergence.of(x, lx, x, lx, o).getFloat();
            double xy = SinkhornDivergence.of(x, lx, y, ly, o).getFloat();
            double yx = SinkhornDivergence.of(y, ly, x, lx, o).getFloat();
            assertTrue(xy > 1, "distinct clouds are apart: " + xy);
            assertEquals(0, self, 1e-3 * xy, "S(x, x) = 0");
            assertEquals(xy, yx, 1e-3 * xy, "symmetric");
        }
    }

    /** The envelope gradient equals central finite differences of the divergence to 1e-3 relative (float64). */
    @Test
    void gradientMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(9);
            NDArray x = m.randomNormal(new Shape(1, 12, 3)).toType(DataType.FLOAT64, false);
            NDArray y = m.randomNormal(1f, 1f, new Shape(1, 15, 3), DataType.FLOAT32).toType(DataType.FLOAT64, false);
            NDArray lx = Sinkhorn.uniformLogWeights(m, 1, 12, DataType.FLOAT64);
            NDArray ly = Sinkhorn.uniformLogWeights(m, 1, 15, DataType.FLOAT64);
            SinkhornOptions o = SinkhornOptions.converged(0.1, 1e-10, 100000);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(SinkhornDivergence.of(x, lx, y, ly, o).sum());
            }
            double[] grad = x.getGradient().toDoubleArray();
            NDArray direction = m.randomNormal(new Shape(1, 12, 3)).toType(DataType.FLOAT64, false);
            double analytic = 0;
            double[] d = direction.toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                analytic += grad[i] * d[i];
            }
            double h = 1e-5;
            NDArray base = x.stopGradient();
            double plus = SinkhornDivergence.of(base.add(direction.mul(h)), lx, y, ly, o).getDouble();
            double minus = SinkhornDivergence.of(base.sub(direction.mul(h)), lx, y, ly, o).getDouble();
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic, 1e-3 * Math.abs(numeric), "analytic " + analytic + " numeric " + numeric);
        }
    }

    @Test
    void badSettingsAndCostsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SinkhornOptions.DEFAULT.withEpsilon(0));
        assertThrows(IllegalArgumentException.class, () -> SinkhornOptions.DEFAULT.withEpsilon(-1));
        assertThrows(IllegalArgumentException.class, () -> SinkhornOptions.DEFAULT.withEpsilon(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SinkhornOptions.converged(0.1, 1e-4, 0));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray cost = m.create(new float[] {0, 1, Float.NaN, 2}, new Shape(1, 2, 2));
            NDArray lw = Sinkhorn.uniformLogWeights(m, 1, 2, DataType.FLOAT32);
            assertThrows(IllegalArgumentException.class, () -> Sinkhorn.solve(cost, lw, lw, SinkhornOptions.DEFAULT));
        }
    }
}
