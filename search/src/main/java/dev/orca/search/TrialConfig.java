package dev.orca.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.OptimizerName;

/**
 * One point of the search space: the fine-tuning settings a trial (and, if it wins, the experiment) uses.
 *
 * @param batchSize    effective batch size, {@code finetune.batchSize × accumulation}
 * @param accumulation forward passes per optimizer step (the paper reaches large batches this way, memory permitting)
 */
public record TrialConfig(int batchSize, int accumulation, OptimizerName optimizer, double lr, double weightDecay) {

    /** Writes this configuration into {@code spec.finetune} (the spec is modified; pass a copy). */
    public OrcaExperimentSpec applyTo(OrcaExperimentSpec spec) {
        spec.finetune.gradientAccumulation = accumulation;
        spec.finetune.optimizer.name = optimizer;
        spec.finetune.optimizer.lr = lr;
        spec.finetune.optimizer.weightDecay = weightDecay;
        return spec;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "batch %d (x%d), %s, lr %.0e, wd %s", batchSize, accumulation,
                OrcaExperimentSpec.wireName(optimizer), lr, weightDecay == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.0e", weightDecay));
    }
}
