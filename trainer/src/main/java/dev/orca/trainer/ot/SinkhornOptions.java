package dev.orca.trainer.ot;

/**
 * Settings of entropic optimal transport.
 *
 * @param epsilon       entropic regularisation ε, in units of the cost (microsoft/otdd's {@code entreg}, default 0.1)
 * @param tolerance     stop when the largest relative marginal violation falls below this
 * @param maxIterations cap on Sinkhorn iterations at the target ε (after the ε-scaling warm start)
 * @param scaling       ε-scaling: ε starts at the largest cost and shrinks by {@code scaling²} per
 *                      iteration down to {@code epsilon} (geomloss's schedule); 0 disables it
 */
public record SinkhornOptions(double epsilon, double tolerance, int maxIterations, double scaling) {

    public static final SinkhornOptions DEFAULT = new SinkhornOptions(0.1, 1e-4, 1000, 0.5);

    public SinkhornOptions {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (!(scaling >= 0 && scaling < 1)) {
            throw new IllegalArgumentException("scaling must be in [0, 1), got " + scaling);
        }
    }

    public SinkhornOptions withEpsilon(double newEpsilon) {
        return new SinkhornOptions(newEpsilon, tolerance, maxIterations, scaling);
    }
}
