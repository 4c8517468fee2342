package dev.orca.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterUpdaterTest {

    private static List<Parameter> params(Linear linear) {
        List<Parameter> out = new ArrayList<>();
        linear.getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    private static Linear linear(NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        Linear l = Linear.builder().setUnits(2).build();
        l.initialize(m, DataType.FLOAT32, new Shape(4, 3));
        return l;
    }

    private static void backward(NDManager m, Linear l, NDArray x, NDArray y) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Losses.meanSquaredError(l.forward(new ParameterStore(m, false), new NDList(x), true).get(0), y));
            }
        }
    }

    /** Plain Adam by hand on a scalar: after one step the update is lr · sign(g) (bias-corrected m / sqrt(v)). */
    @Test
    void firstAdamStepMovesByTheLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear l = linear(m, 1);
            List<Parameter> p = params(l);
            float[] before = p.get(0).getArray().toFloatArray();
            NDArray x = m.randomNormal(new Shape(4, 3));
            backward(m, l, x, m.zeros(new Shape(4, 2)));
            float[] grad = p.get(0).getArray().getGradient().toFloatArray();
            new ParameterUpdater(ParameterUpdater.Kind.ADAM, p, 0, 0).step(0.01);
            float[] after = p.get(0).getArray().toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] - 0.01 * Math.signum(grad[i]), after[i], 1e-5);
            }
        }
    }

    /** Resuming from a saved state continues exactly as an uninterrupted optimizer would. */
    @Test
    void stateRoundTripContinuesIdentically() {
        for (ParameterUpdater.Kind kind : ParameterUpdater.Kind.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.randomNormal(new Shape(4, 3));
                NDArray y = m.randomNormal(new Shape(4, 2));
                Linear a = linear(m, 2);
                ParameterUpdater oa = new ParameterUpdater(kind, params(a), 0.01, kind == ParameterUpdater.Kind.SGD ? 0.9 : 0);
                for (int i = 0; i < 3; i++) {
                    backward(m, a, x, y);
                    oa.step(0.05);
                }
                Linear b = linear(m, 99);
                for (int i = 0; i < 2; i++) {
                    params(b).get(i).getArray().set(java.nio.FloatBuffer.wrap(params(a).get(i).getArray().toFloatArray()));
                }
                ParameterUpdater ob = new ParameterUpdater(kind, params(b), 0.01, kind == ParameterUpdater.Kind.SGD ? 0.9 : 0);
                ob.load(oa.state());
                assertEquals(3, ob.steps());
                for (int i = 0; i < 2; i++) {
                    backward(m, a, x, y);
                    oa.step(0.05);
                    backward(m, b, x, y);
                    ob.step(0.05);
                }
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(params(a).get(i).getArray().toFloatArray(), params(b).get(i).getArray().toFloatArray(), kind.name());
                }
            }
        }
    }

    @Test
    void clippingBoundsTheGlobalNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear l = linear(m, 3);
            ParameterUpdater o = new ParameterUpdater(ParameterUpdater.Kind.SGD, params(l), 0, 0);
            backward(m, l, m.randomNormal(new Shape(4, 3)).mul(m.full(new Shape(), 100f)), m.zeros(new Shape(4, 2)));
            double before = o.clipGradientNorm(1.0);
            assertEquals(1.0, o.clipGradientNorm(0), 1e-4, "norm after clipping from " + before);
        }
    }

    /** Clipping and stepping run outside any scope: they must not leave arrays behind on the parameters' manager. */
    @Test
    void updatesLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear l = linear(m, 4);
            ParameterUpdater o = new ParameterUpdater(ParameterUpdater.Kind.ADAMW, params(l), 0.01, 0);
            NDArray x = m.randomNormal(new Shape(4, 3));
            NDArray y = m.zeros(new Shape(4, 2));
            backward(m, l, x, y);
            o.clipGradientNorm(0.5);
            o.step(0.01);
            int before = m.getManagedArrays().size();
            for (int i = 0; i < 10; i++) {
                backward(m, l, x, y);
                o.clipGradientNorm(0.5);
                o.step(0.01);
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays leaked per step");
        }
    }

    @Test
    void schedules() {
        // The official lambda counts a milestone once the epoch is past it: epoch 20 still runs at the full rate.
        int[] official = {20, 40, 60};
        assertEquals(1e-3, LearningRateSchedule.milestones(1e-3, 20, official, 0.2), 1e-12);
        assertEquals(2e-4, LearningRateSchedule.milestones(1e-3, 21, official, 0.2), 1e-12);
        assertEquals(4e-5, LearningRateSchedule.milestones(1e-3, 45, official, 0.2), 1e-12);
        assertEquals(8e-6, LearningRateSchedule.milestones(1e-3, 61, official, 0.2), 1e-12);
        assertEquals(0.25, LearningRateSchedule.warmupLinear(1, 0, 4, 10), 1e-12);
        assertEquals(1.0, LearningRateSchedule.warmupLinear(1, 3, 4, 10), 1e-12);
        assertEquals(1.0, LearningRateSchedule.warmupLinear(1, 4, 4, 10), 1e-12);
        assertEquals(0.5, LearningRateSchedule.warmupLinear(1, 7, 4, 10), 1e-12);
        assertEquals(0.0, LearningRateSchedule.warmupLinear(1, 10, 4, 10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new ParameterUpdater(ParameterUpdater.Kind.SGD, List.of(), -1, 0));
    }
}
