package dev.orca.trainer.train;

/** Learning-rate schedules of the two trained stages, as functions of the (0-based) epoch or step. */
public final class LearningRateSchedule {
    private LearningRateSchedule() {}

    /** ORCA's stage-2 schedule: StepLR, × {@code gamma} every {@code stepSize} epochs (paper: 0.2 every 20). */
    public static double step(double base, int epoch, int stepSize, double gamma) {
        return base * Math.pow(gamma, Math.floorDiv(epoch, stepSize));
    }

    /**
     * Linear warm-up from 0 over {@code warmup} steps, then linear decay to 0 at {@code total} steps
     * (the fine-tuning schedule); the value used for update number {@code step} (0-based).
     */
    public static double warmupLinear(double base, long step, long warmup, long total) {
        if (step < warmup) {
            return base * (step + 1) / warmup;
        }
        if (total <= warmup) {
            return base;
        }
        return base * Math.max(0, (double) (total - step) / (total - warmup));
    }
}
