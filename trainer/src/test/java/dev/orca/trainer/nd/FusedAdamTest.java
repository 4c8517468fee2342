package dev.orca.trainer.nd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libtorch's fused kernels against Adam and AdamW written out by hand in double precision, over several steps. */
class FusedAdamTest {

    private static float[] random(Random random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (random.nextGaussian() * scale);
        return out;
    }

    private static void check(boolean decoupled) {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(FusedAdam.availableFor(m), "libtorch compiled the kernels' TorchScript method");
            Random random = new Random(7);
            int[] sizes = {37, 1000};
            double lr = 1e-2, b1 = 0.9, b2 = 0.999, wd = 0.05, eps = 1e-8;
            double[][] p = new double[2][], mo = new double[2][], v = new double[2][];
            NDArray[] params = new NDArray[2], ms = new NDArray[2], vs = new NDArray[2];
            for (int k = 0; k < 2; k++) {
                float[] init = random(random, sizes[k], 1);
                params[k] = m.create(init);
                ms[k] = m.zeros(new Shape(sizes[k]));
                vs[k] = m.zeros(new Shape(sizes[k]));
                p[k] = new double[sizes[k]];
                for (int i = 0; i < sizes[k]; i++) p[k][i] = init[i];
                mo[k] = new double[sizes[k]];
                v[k] = new double[sizes[k]];
            }
            for (int t = 1; t <= 5; t++) {
                NDArray[] grads = new NDArray[2];
                for (int k = 0; k < 2; k++) {
                    float[] g = random(random, sizes[k], t == 3 ? 1e-6 : 0.1); // one step of tiny gradients: eps matters
                    grads[k] = m.create(g);
                    double bc1 = 1 - Math.pow(b1, t), bc2 = 1 - Math.pow(b2, t);
                    for (int i = 0; i < sizes[k]; i++) {
                        double gi = g[i];
                        if (decoupled) p[k][i] *= 1 - lr * wd;
                        else gi += wd * p[k][i];
                        mo[k][i] = b1 * mo[k][i] + (1 - b1) * gi;
                        v[k][i] = b2 * v[k][i] + (1 - b2) * gi * gi;
                        p[k][i] -= lr / bc1 * mo[k][i] / (Math.sqrt(v[k][i]) / Math.sqrt(bc2) + eps);
                    }
                }
                FusedAdam.step(List.of(params), List.of(grads), List.of(ms), List.of(vs), t, (float) lr, (float) b1,
                        (float) b2, (float) wd, (float) eps, decoupled);
                for (int k = 0; k < 2; k++) {
                    assertEquals(0f, grads[k].abs().max().getFloat(), "the gradient is zeroed after the update");
                }
            }
            for (int k = 0; k < 2; k++) {
                float[] got = params[k].toFloatArray();
                for (int i = 0; i < sizes[k]; i++) {
                    assertEquals(p[k][i], got[i], 2e-6 * Math.max(1, Math.abs(p[k][i])), (decoupled ? "adamw" : "adam") + " [" + k + "][" + i + "]");
                }
            }
        }
    }

    @Test
    void adamwIsPyTorchsArithmetic() {
        check(true);
    }

    @Test
    void adamIsPyTorchsArithmetic() {
        check(false);
    }
}
