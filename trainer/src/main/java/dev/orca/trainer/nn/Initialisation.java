package dev.orca.trainer.nn;

import java.util.Arrays;
import java.util.Random;

/**
 * The weight initialisations the official ORCA code uses for its embedders ({@code utils.py} {@code conv_init} and
 * {@code embedder_init}), drawn in Java from the run's seeded generator so that a run's start is a function of its seed.
 */
public final class Initialisation {
    private Initialisation() {}

    /** timm's {@code trunc_normal_(std)}: normal draws redrawn outside its default bounds, the absolute interval [−2, 2]. */
    public static float[] truncatedNormal(Random random, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double v;
            do {
                v = random.nextGaussian() * std;
            } while (Math.abs(v) > 2);
            values[i] = (float) v;
        }
        return values;
    }

    /** PyTorch's {@code xavier_uniform_(gain)}: uniform on ±{@code gain·√(6 / (fanIn + fanOut))}. */
    public static float[] xavierUniform(Random random, int n, double fanIn, double fanOut, double gain) {
        double bound = gain * Math.sqrt(6 / (fanIn + fanOut));
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return values;
    }

    public static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }
}
