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
import dev.orca.trainer.nd.Scalars;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void euclideanIsTheMeanPairwiseDistance() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray source = m.create(new float[][] {{0, 0}, {3, 4}});
            NDArray target = m.create(new float[][] {{0, 0}, {6, 8}});
            // pairs: 0, 5, 10, 5 -> mean 5
            assertEquals(5.0, Scalars.value(new EuclideanDistance(source).distance(target, new int[2])), 1e-5);
        }
    }

    @Test
    void mmdIsZeroOnTheSourceAndGrowsWithAShift() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray source = m.randomNormal(new Shape(300, 6));
            MmdDistance mmd = new MmdDistance(source);
            assertEquals(0, Scalars.value(mmd.distance(source, new int[300])), 1e-4);
            double previous = -1;
            for (float shift : new float[] {0.25f, 0.5f, 1f, 2f}) {
                NDArray target = m.randomNormal(new Shape(100, 6)).add(m.full(new Shape(6), shift));
                double value = Scalars.value(mmd.distance(target, new int[100]));
                assertTrue(value > previous, shift + ": " + value);
                previous = value;
            }
        }
    }

    /** MMD and Euclidean gradients against finite differences (float64). */
    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray source = m.randomNormal(new Shape(40, 3)).toType(DataType.FLOAT64, false);
            for (DatasetDistance metric : new DatasetDistance[] {new MmdDistance(source), new EuclideanDistance(source)}) {
                NDArray x = m.randomNormal(1f, 1f, new Shape(20, 3), DataType.FLOAT32).toType(DataType.FLOAT64, false);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(metric.distance(x, new int[20]));
                }
                NDArray direction = m.randomNormal(new Shape(20, 3)).toType(DataType.FLOAT64, false);
                double analytic = Scalars.value(x.getGradient().mul(direction).sum());
                double h = 1e-6;
                NDArray base = x.stopGradient();
                double numeric = (Scalars.value(metric.distance(base.add(direction.mul(h)), new int[20]))
                        - Scalars.value(metric.distance(base.sub(direction.mul(h)), new int[20]))) / (2 * h);
                assertEquals(numeric, analytic, 1e-4 * Math.abs(numeric), metric.getClass().getSimpleName());
            }
        }
    }

    @Test
    void nanTargetsAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray source = m.randomNormal(new Shape(10, 3));
            NDArray bad = m.create(new float[] {0, Float.NaN, 0}).reshape(1, 3);
            assertThrows(IllegalArgumentException.class, () -> new MmdDistance(source).distance(bad, new int[1]));
            assertThrows(IllegalArgumentException.class, () -> new EuclideanDistance(source).distance(bad, new int[1]));
        }
    }
}
