package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DarcyFlowTest {

    /** With a ≡ 1 the problem is the torsion problem of the unit square, whose maximum is 0.07367. */
    @Test
    void constantCoefficientGivesTheTorsionFunction() {
        int r = 65;
        float[] a = new float[r * r];
        Arrays.fill(a, 1f);
        float[] u = DarcyFlow.solve(a, r, 1e-10);
        assertEquals(0.07367, u[(r / 2) * r + r / 2], 2e-4);
        for (int i = 0; i < r; i++) {
            assertEquals(0f, u[i]);                   // boundary rows and columns stay zero
            assertEquals(0f, u[i * r]);
            for (int j = 0; j < r; j++) {
                assertEquals(u[i * r + j], u[j * r + i], 1e-6, "symmetric");
            }
        }
    }

    @Test
    void samplesArePiecewiseConstantAndSolveTheirEquation() {
        DarcyFlow.Samples s = DarcyFlow.generate(2, 33, 7);
        assertArrayEquals(new long[] {2, 1, 33, 33}, s.coefficients().shape());
        float[] a = Arrays.copyOf(s.coefficients().values(), 33 * 33);
        float[] u = Arrays.copyOf(s.solutions().values(), 33 * 33);
        long high = 0;
        for (float v : a) {
            assertTrue(v == DarcyFlow.HIGH || v == DarcyFlow.LOW);
            high += v == DarcyFlow.HIGH ? 1 : 0;
        }
        assertTrue(high > 33 * 33 / 10 && high < 33 * 33 * 9 / 10, "both phases present: " + high);
        // Discrete residual of -div(a grad u) = 1 on the interior.
        int m = 31;
        double[] interior = new double[m * m];
        double[] diagonal = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                interior[i * m + j] = u[(i + 1) * 33 + j + 1];
                int gi = i + 1;
                int gj = j + 1;
                diagonal[i * m + j] = 0.5 * (4 * a[gi * 33 + gj] + a[(gi - 1) * 33 + gj] + a[(gi + 1) * 33 + gj]
                        + a[gi * 33 + gj - 1] + a[gi * 33 + gj + 1]);
            }
        }
        double[] applied = new double[m * m];
        DarcyFlow.apply(a, 33, interior, applied, diagonal);
        double h2 = 1.0 / (32.0 * 32.0);
        for (double v : applied) {
            assertEquals(h2, v, 1e-4 * h2); // u is stored in float32
        }
        assertArrayEquals(s.solutions().values(), DarcyFlow.generate(2, 33, 7).solutions().values(), "seeded");
        assertThrows(IllegalArgumentException.class, () -> DarcyFlow.generate(0, 33, 1));
    }
}
