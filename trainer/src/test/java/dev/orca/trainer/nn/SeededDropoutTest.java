package dev.orca.trainer.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeededDropoutTest {

    @Test
    void dropsAtTheRateAndPreservesTheMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1000, 1000));
            float[] out = new SeededDropout(7).apply(x, 0.1f, true).toFloatArray();
            long zeros = 0;
            double sum = 0;
            for (float v : out) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertEquals(1 / 0.9f, v, 1e-6);
                }
                sum += v;
            }
            // 1e6 Bernoulli(0.1) draws: standard deviation of the count is 300.
            assertEquals(100_000, zeros, 1500);
            assertEquals(1.0, sum / out.length, 0.005);
        }
    }

    @Test
    void seedAndCallCountDetermineTheMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(300, 301)); // not a multiple of the 4-draw word
            SeededDropout a = new SeededDropout(1);
            SeededDropout b = new SeededDropout(1);
            float[] first = a.apply(x, 0.3f, true).toFloatArray();
            float[] second = a.apply(x, 0.3f, true).toFloatArray();
            assertArrayEquals(first, b.apply(x, 0.3f, true).toFloatArray(), "same seed, same first mask");
            assertFalse(Arrays.equals(first, second), "consecutive calls differ");
            SeededDropout resumed = new SeededDropout(1);
            resumed.restore(1);
            assertArrayEquals(second, resumed.apply(x, 0.3f, true).toFloatArray(), "restored stream continues");
            assertFalse(Arrays.equals(first, new SeededDropout(2).apply(x, 0.3f, true).toFloatArray()));
        }
    }

    @Test
    void gradientIsTheScaledMaskAndEvalIsIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(50, 40));
            SeededDropout dropout = new SeededDropout(3);
            assertSame(x, dropout.apply(x, 0.5f, false));
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                y = dropout.apply(x, 0.5f, true);
                System.gc();
                gc.backward(y.sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            float[] out = y.toFloatArray();
            float[] in = x.toFloatArray();
            for (int i = 0; i < grad.length; i++) {
                assertTrue(grad[i] == 0 || Math.abs(grad[i] - 2f) < 1e-6, "grad " + grad[i]);
                assertEquals(grad[i] * in[i], out[i], 1e-5);
            }
            assertThrows(IllegalArgumentException.class, () -> dropout.apply(x, 1f, true));
        }
    }
}
