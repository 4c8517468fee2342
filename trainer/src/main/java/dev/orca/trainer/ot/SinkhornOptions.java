package dev.orca.trainer.ot;

/**
 * Settings of entropic optimal transport.
 *
 * @param epsilon       entropic regularisation ε, in units of the cost (microsoft/otdd's {@code entreg}, default 0.1)
 * @param tolerance     {@link Schedule#CONVERGED}: stop when the largest relative marginal violation falls below this;
 *                      also the convergence test of the symmetric (self-transport) problems in both schedules
 * @param maxIterations cap on Sinkhorn iterations at the target ε (after the ε-scaling warm start)
 * @param scaling       ε-scaling ratio: ε shrinks by {@code scaling²} per iteration down to {@code epsilon}
 *                      (geomloss's schedule, default 0.5); 0 disables it ({@link Schedule#CONVERGED} only)
 * @param schedule      how the two-measure problems are iterated
 */
public record SinkhornOptions(double epsilon, double tolerance, int maxIterations, double scaling, Schedule schedule) {

    /** How the Sinkhorn iterations of a two-measure problem run. */
    public enum Schedule {
        /**
         * geomloss's ε-scaling, which microsoft/otdd runs for ORCA: ε starts at the squared diameter of the two
         * clouds and falls by {@code scaling²} per averaged iteration down to {@code epsilon}, then one full
         * update; no convergence test. This is the quantity ORCA's official code optimises.
         */
        ANNEALED,
        /** The same warm start, then (over-relaxed) iterations until the marginals meet {@code tolerance}. */
        CONVERGED
    }

    public static final SinkhornOptions DEFAULT = new SinkhornOptions(0.1, 1e-4, 1000, 0.5, Schedule.ANNEALED);

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
        if (schedule == null) {
            throw new IllegalArgumentException("schedule is required");
        }
        if (!(scaling >= 0 && scaling < 1) || (schedule == Schedule.ANNEALED && scaling == 0)) {
            throw new IllegalArgumentException("scaling must be in " + (schedule == Schedule.ANNEALED ? "(0, 1)" : "[0, 1)")
                    + " for the " + schedule + " schedule, got " + scaling);
        }
    }

    /** Iterated to a tolerance: the settings tests and references use to reach the exact entropic optimum. */
    public static SinkhornOptions converged(double epsilon, double tolerance, int maxIterations) {
        return new SinkhornOptions(epsilon, tolerance, maxIterations, 0.5, Schedule.CONVERGED);
    }

    public SinkhornOptions withEpsilon(double newEpsilon) {
        return new SinkhornOptions(newEpsilon, tolerance, maxIterations, scaling, schedule);
    }

    public SinkhornOptions withSchedule(Schedule newSchedule) {
        return new SinkhornOptions(epsilon, tolerance, maxIterations, scaling, newSchedule);
    }
}
