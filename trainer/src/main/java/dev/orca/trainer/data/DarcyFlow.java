package dev.orca.trainer.data;

import java.util.Random;

/**
 * Darcy Flow as in FNO / NAS-Bench-360: the coefficient is a Gaussian random field
 * {@code ψ ~ N(0, (−Δ + τ²)^{−α})} (cosine series, α = 2, τ = 3) thresholded to {@code a = 12} where
 * ψ ≥ 0 and {@code 3} elsewhere; the target solves {@code −∇·(a ∇u) = 1} on the unit square with
 * {@code u = 0} on the boundary, by the five-point finite-difference scheme (face coefficients the mean of
 * the two cells) and Jacobi-preconditioned conjugate gradients.
 */
public final class DarcyFlow {
    private DarcyFlow() {}

    public static final double ALPHA = 2;
    public static final double TAU = 3;
    public static final float HIGH = 12;
    public static final float LOW = 3;

    /** Coefficients {@code (n, 1, r, r)} and solutions {@code (n, 1, r, r)}. */
    public record Samples(DataArray coefficients, DataArray solutions) {}

    public static Samples generate(int samples, int resolution, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("task.data.generator.samples must be >= 1, got " + samples);
        }
        if (resolution < 5) {
            throw new IllegalArgumentException("task.data.generator.resolution must be >= 5, got " + resolution);
        }
        int r = resolution;
        float[] a = new float[samples * r * r];
        float[] u = new float[samples * r * r];
        // One generator per sample (seeded from the seed and the index) so samples solve in parallel and
        // the data set does not depend on the thread count.
        java.util.stream.IntStream.range(0, samples).parallel().forEach(s -> {
            float[] coefficient = coefficient(r, new Random(seed * 1_000_003L + s));
            System.arraycopy(coefficient, 0, a, s * r * r, r * r);
            System.arraycopy(solve(coefficient, r, 1e-8), 0, u, s * r * r, r * r);
        });
        long[] shape = {samples, 1, r, r};
        return new Samples(new DataArray("darcy-flow coefficients", shape, a), new DataArray("darcy-flow solutions", shape, u));
    }

    /** A thresholded random field on an r × r grid over [0, 1]². */
    static float[] coefficient(int r, Random random) {
        // ψ(x, y) = Σ_k ξ_k λ_k cos(π k1 x) cos(π k2 y), λ_k = (π²|k|² + τ²)^{−α/2}; computed as C Ξ Cᵀ.
        int modes = r;
        double[][] cos = new double[r][modes];
        for (int i = 0; i < r; i++) {
            double x = (double) i / (r - 1);
            for (int k = 0; k < modes; k++) {
                cos[i][k] = Math.cos(Math.PI * k * x);
            }
        }
        double[][] xi = new double[modes][modes];
        for (int k1 = 0; k1 < modes; k1++) {
            for (int k2 = 0; k2 < modes; k2++) {
                double lambda = Math.pow(Math.PI * Math.PI * (k1 * k1 + k2 * k2) + TAU * TAU, -ALPHA / 2);
                xi[k1][k2] = (k1 == 0 && k2 == 0) ? 0 : random.nextGaussian() * lambda;
            }
        }
        double[][] half = new double[r][modes]; // C Ξ
        for (int i = 0; i < r; i++) {
            for (int k2 = 0; k2 < modes; k2++) {
                double sum = 0;
                for (int k1 = 0; k1 < modes; k1++) {
                    sum += cos[i][k1] * xi[k1][k2];
                }
                half[i][k2] = sum;
            }
        }
        float[] a = new float[r * r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                double psi = 0;
                for (int k2 = 0; k2 < modes; k2++) {
                    psi += half[i][k2] * cos[j][k2];
                }
                a[i * r + j] = psi >= 0 ? HIGH : LOW;
            }
        }
        return a;
    }

    /** The discrete solution of −∇·(a∇u) = 1, u = 0 on the boundary; grid spacing 1/(r − 1). */
    static float[] solve(float[] a, int r, double tolerance) {
        int m = r - 2; // interior unknowns per axis
        double h2 = 1.0 / ((r - 1.0) * (r - 1.0));
        double[] b = new double[m * m];
        java.util.Arrays.fill(b, h2);
        double[] diagonal = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int gi = i + 1;
                int gj = j + 1;
                diagonal[i * m + j] = face(a, r, gi, gj, gi - 1, gj) + face(a, r, gi, gj, gi + 1, gj)
                        + face(a, r, gi, gj, gi, gj - 1) + face(a, r, gi, gj, gi, gj + 1);
            }
        }
        double[] x = new double[m * m];
        double[] residual = b.clone();
        double[] z = new double[m * m];
        for (int i = 0; i < z.length; i++) {
            z[i] = residual[i] / diagonal[i];
        }
        double[] p = z.clone();
        double[] ap = new double[m * m];
        double rz = dot(residual, z);
        double bNorm = Math.sqrt(dot(b, b));
        for (int iteration = 0; iteration < 20 * m * m && Math.sqrt(dot(residual, residual)) > tolerance * bNorm; iteration++) {
            apply(a, r, p, ap, diagonal);
            double alpha = rz / dot(p, ap);
            for (int i = 0; i < x.length; i++) {
                x[i] += alpha * p[i];
                residual[i] -= alpha * ap[i];
                z[i] = residual[i] / diagonal[i];
            }
            double next = dot(residual, z);
            double beta = next / rz;
            rz = next;
            for (int i = 0; i < p.length; i++) {
                p[i] = z[i] + beta * p[i];
            }
        }
        float[] u = new float[r * r];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                u[(i + 1) * r + (j + 1)] = (float) x[i * m + j];
            }
        }
        return u;
    }

    /** {@code (A v)} for the interior operator, scaled by h² (so the right-hand side is h²). */
    static void apply(float[] a, int r, double[] v, double[] out, double[] diagonal) {
        int m = r - 2;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int gi = i + 1;
                int gj = j + 1;
                double sum = diagonal[i * m + j] * v[i * m + j];
                if (i > 0) {
                    sum -= face(a, r, gi, gj, gi - 1, gj) * v[(i - 1) * m + j];
                }
                if (i < m - 1) {
                    sum -= face(a, r, gi, gj, gi + 1, gj) * v[(i + 1) * m + j];
                }
                if (j > 0) {
                    sum -= face(a, r, gi, gj, gi, gj - 1) * v[i * m + j - 1];
                }
                if (j < m - 1) {
                    sum -= face(a, r, gi, gj, gi, gj + 1) * v[i * m + j + 1];
                }
                out[i * m + j] = sum;
            }
        }
    }

    private static double face(float[] a, int r, int i1, int j1, int i2, int j2) {
        return 0.5 * (a[i1 * r + j1] + a[i2 * r + j2]);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}
