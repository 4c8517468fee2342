package dev.orca.search;

import java.util.Arrays;

/**
 * The difference between two settings measured on the same seeds (same split, same initial draw where they share one):
 * per-seed differences {@code a - b}, their mean and standard deviation, and a two-sided 95 % Student-t interval of the
 * mean. Pairing removes the seed-to-seed spread both settings share, which unpaired means ± std do not.
 *
 * <p>Student's t quantiles are tabulated rather than taken from a statistics library: the trainer and the operator need these 30 numbers
 * and nothing else of one.
 */
public record PairedDifference(double[] differences, double mean, double std, double low, double high) {

    /** t(0.975, df) for df = 1..30; beyond, the normal quantile. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** Where the interval lies for a metric that is better lower (every Orca metric is an error). */
    public enum Verdict {
        /** the whole interval below zero: {@code a} is better beyond the seed noise */
        A_BETTER,
        /** the whole interval above zero */
        B_BETTER,
        /** the interval holds zero, or fewer than two seeds */
        UNRESOLVED
    }

    public static PairedDifference of(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("paired figures need the same seeds on both sides, got " + a.length + " and " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        double mean = Arrays.stream(d).average().orElseThrow();
        if (d.length == 1) {
            return new PairedDifference(d, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double std = Math.sqrt(Arrays.stream(d).map(x -> (x - mean) * (x - mean)).sum() / (d.length - 1));
        int df = d.length - 1;
        double half = (df <= T975.length ? T975[df - 1] : 1.960) * std / Math.sqrt(d.length);
        return new PairedDifference(d, mean, std, mean - half, mean + half);
    }

    public Verdict verdict() {
        if (differences.length < 2) {
            return Verdict.UNRESOLVED;
        }
        return high < 0 ? Verdict.A_BETTER : low > 0 ? Verdict.B_BETTER : Verdict.UNRESOLVED;
    }
}
