package dev.orca.trainer.train;

/** Learning-rate schedules of the two trained stages, as functions of the (0-based) epoch or step. */
public final class LearningRateSchedule {
    private LearningRateSchedule() {}

    /**
     * ORCA's stage-2 schedule (the official {@code StepLR} lambda, task_configs.py:239-249): × {@code gamma} once for every
     * milestone the (0-based) epoch has passed, {@code epoch > milestone}; the official milestones are 20, 40 and 60.
     */
    public static double milestones(double base, int epoch, int[] milestones, double gamma) {
        int passed = 0;
        for (int m : milestones) {
            if (epoch > m) {
                passed++;
            }
        }
        return base * Math.pow(gamma, passed);
    }

    /**
     * Linear warm-up from 0 over {@code warmup} steps, then linear decay to 0 at {@code total} steps
     * (the fine-tuning schedule); the value used for update number {@code step} (0-based).
     */
    public static double warmupLinear(double base, long step, long warmup, long total) {
        if (step < warmup) {
            // The official WarmupLR gives step / warmup, a zero rate for the first update; (step + 1) does not waste it.
            return base * (step + 1) / warmup;
        }
        if (total <= warmup) {
            return base;
        }
        return base * Math.max(0, (double) (total - step) / (total - warmup));
    }
}
