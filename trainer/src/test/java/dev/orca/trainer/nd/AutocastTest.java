package dev.orca.trainer.nd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * bf16 products against the same products written out by hand: operands rounded to bfloat16, multiplied in double, the
 * result rounded to bfloat16 (what a bfloat16 GEMM with fp32 accumulation returns, up to the accumulation order).
 */
class AutocastTest {
    private static final int N = 24, IN = 40, OUT = 12;

    /** Round to nearest even on the 16 bits a bfloat16 keeps. */
    static double bf16(double value) {
        int bits = Float.floatToIntBits((float) value);
        int rounded = (bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000;
        return Float.intBitsToFloat(rounded);
    }

    private static float[] random(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }

    /**
     * Each element within two bfloat16 rounding steps of {@code expected} (the result's own rounding, and one the fp32 sum's
     * order may flip), and all of them together several times closer to it than {@code fp32}, the same product without
     * the rounding: what tells a bfloat16 product from an fp32 one.
     */
    private static void assertBf16(double[] expected, float[] actual, float[] fp32, String what) {
        assertEquals(expected.length, actual.length);
        double off = 0, fp32Off = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], Math.abs(expected[i]) * 0x1p-7 + 0x1p-10, what + "[" + i + "]");
            off += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            fp32Off += (fp32[i] - expected[i]) * (fp32[i] - expected[i]);
        }
        assertTrue(off * 16 < fp32Off, what + ": bf16 off by " + Math.sqrt(off) + ", fp32 by " + Math.sqrt(fp32Off));
    }

    /** y, dL/dW, dL/db and dL/dx of {@code L = Σ y·r} for a Linear holding {@code w, b}, with products in bf16 or not. */
    private static float[][] linear(NDManager m, float[] x, float[] w, float[] b, float[] r, boolean bf16) {
        Linear block = Linear.builder().setUnits(OUT).build();
        block.initialize(m, DataType.FLOAT32, new Shape(N, IN));
        NDArray weight = block.getParameters().get("weight").getArray();
        NDArray bias = block.getParameters().get("bias").getArray();
        weight.set(w);
        bias.set(b);
        NDArray input = m.create(x, new Shape(N, IN));
        input.setRequiresGradient(true);
        ParameterStore store = new ParameterStore(m, false);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector();
             Autocast.Scope scope = Autocast.bf16(bf16)) {
            assertEquals(bf16, Autocast.bf16Active(), "the PyTorch engine runs bf16 products when asked");
            NDArray out = Autocast.linear(store, block, input, true);
            assertEquals(DataType.FLOAT32, out.getDataType(), "products return fp32");
            collector.backward(out.mul(m.create(r, new Shape(N, OUT))).sum());
            if (!bf16) {
                assertArrayEquals(block.forward(store, new NDList(input), true).singletonOrThrow().toFloatArray(),
                        out.toFloatArray(), "outside a bf16 scope, DJL's own Linear");
            }
            assertEquals(DataType.FLOAT32, weight.getGradient().getDataType(), "the master weight's gradient is fp32");
            return new float[][] {out.toFloatArray(), weight.getGradient().toFloatArray(), bias.getGradient().toFloatArray(),
                    input.getGradient().toFloatArray()};
        }
    }

    @Test
    void linearRoundsOperandsAndResultToBfloat16AndItsGradientsReachTheFp32Weights() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(3);
            float[] x = random(random, N * IN), w = random(random, OUT * IN), b = random(random, OUT), r = random(random, N * OUT);
            float[][] fp32 = linear(m, x, w, b, r, false);
            float[][] bf16 = linear(m, x, w, b, r, true);
            assertFalse(Autocast.bf16Active(), "closing the scope ends it");

            double[] y = new double[N * OUT], gx = new double[N * IN], gw = new double[OUT * IN], gb = new double[OUT];
            for (int i = 0; i < N; i++) {
                for (int o = 0; o < OUT; o++) {
                    double sum = 0;
                    for (int k = 0; k < IN; k++) sum += bf16(x[i * IN + k]) * bf16(w[o * IN + k]);
                    y[i * OUT + o] = bf16(sum + bf16(b[o]));
                }
                for (int k = 0; k < IN; k++) {
                    double sum = 0;
                    for (int o = 0; o < OUT; o++) sum += bf16(r[i * OUT + o]) * bf16(w[o * IN + k]);
                    gx[i * IN + k] = bf16(sum);
                }
            }
            for (int o = 0; o < OUT; o++) {
                double sumB = 0;
                for (int i = 0; i < N; i++) sumB += bf16(r[i * OUT + o]);
                gb[o] = bf16(sumB);
                for (int k = 0; k < IN; k++) {
                    double sum = 0;
                    for (int i = 0; i < N; i++) sum += bf16(r[i * OUT + o]) * bf16(x[i * IN + k]);
                    gw[o * IN + k] = bf16(sum);
                }
            }
            assertBf16(y, bf16[0], fp32[0], "y");
            assertBf16(gw, bf16[1], fp32[1], "dL/dW");
            assertBf16(gx, bf16[3], fp32[3], "dL/dx");
            // The bias's gradient is a sum of the bfloat16 upstream gradient: rounded, but no product to tell apart.
            for (int o = 0; o < OUT; o++) assertEquals(gb[o], bf16[2][o], Math.abs(gb[o]) * 0x1p-7 + 0x1p-10, "dL/db");
        }
    }

    @Test
    void batchedMatMulRoundsLikeTheLinear() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(5);
            int batch = 3, rows = 5, inner = 33, cols = 4;
            float[] a = random(random, batch * rows * inner), c = random(random, batch * inner * cols);
            NDArray left = m.create(a, new Shape(batch, rows, inner));
            NDArray right = m.create(c, new Shape(batch, inner, cols));
            float[] product;
            try (Autocast.Scope scope = Autocast.bf16()) {
                try (Autocast.Scope off = Autocast.bf16(false)) {
                    assertTrue(Autocast.bf16Active(), "a scope that does not ask for bf16 leaves the outer one on");
                }
                assertTrue(Autocast.bf16Active(), "closing an inner scope restores the outer one");
                product = Autocast.matMul(left, right).toFloatArray();
            }
            double[] expected = new double[batch * rows * cols];
            for (int s = 0; s < batch; s++) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double sum = 0;
                        for (int k = 0; k < inner; k++) {
                            sum += bf16(a[(s * rows + i) * inner + k]) * bf16(c[(s * inner + k) * cols + j]);
                        }
                        expected[(s * rows + i) * cols + j] = bf16(sum);
                    }
                }
            }
            float[] fp32 = Autocast.matMul(left, right).toFloatArray();
            assertArrayEquals(left.matMul(right).toFloatArray(), fp32, "outside any scope, DJL's matMul");
            assertBf16(expected, product, fp32, "a·b");
        }
    }
}
