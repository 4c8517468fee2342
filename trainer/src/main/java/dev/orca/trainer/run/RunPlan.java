package dev.orca.trainer.run;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.SinkhornOptions;
import dev.orca.trainer.train.EmbedderAlignment;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.ParameterUpdater;

/**
 * The experiment spec translated once into what the stages take, so that no stage reads the API model's defaults or
 * enums itself: the alignment and fine-tuning settings, the OTDD options, the resolved loss and the metric's wire name.
 * The data and model stages still read {@code spec} (the data files and the architecture are described by it field for
 * field).
 *
 * @param alignment  the embedder's training settings (used when the mode aligns)
 * @param otdd       the OTDD's settings (used when {@code alignment.metric} is an OTDD)
 * @param fineTuning the fine-tuning settings
 * @param loss       the task loss: {@code task.loss}, or the task type's default
 */
public record RunPlan(OrcaExperimentSpec spec, EmbedderAlignment.Settings alignment, OtddOptions otdd,
                      FineTuning.Settings fineTuning, OrcaExperimentSpec.Loss loss) {

    public static RunPlan of(OrcaExperimentSpec spec) {
        return new RunPlan(spec, alignmentSettings(spec), otddOptions(spec.alignment), fineTuningSettings(spec), loss(spec.task));
    }

    /** The mode's wire name. */
    public String mode() {
        return OrcaExperimentSpec.wireName(spec.mode);
    }

    /** The task metric's wire name. */
    public String metric() {
        return OrcaExperimentSpec.wireName(spec.task.metric);
    }

    public boolean aligns() {
        return spec.mode.aligns();
    }

    /** Whether fine-tuning trains only the LayerNorms (the FPT setting). */
    public boolean layerNormOnly() {
        return spec.mode.layerNormOnly();
    }

    /** The alignment metric's wire name, or "none" for a mode that does not align. */
    public String alignmentMetric() {
        return aligns() ? OrcaExperimentSpec.wireName(spec.alignment.metric) : "none";
    }

    private static EmbedderAlignment.Settings alignmentSettings(OrcaExperimentSpec spec) {
        OrcaExperimentSpec.Alignment a = spec.alignment;
        OrcaExperimentSpec.Optimizer o = a.optimizer(spec.finetune);
        return new EmbedderAlignment.Settings(a.epochs, a.samplesPerClass, a.rounds, kind(o.name), o.lr, o.weightDecay,
                o.momentum, betas(o), EmbedderAlignment.Settings.OFFICIAL_MILESTONES, EmbedderAlignment.Settings.OFFICIAL_GAMMA,
                spec.seed);
    }

    private static FineTuning.Settings fineTuningSettings(OrcaExperimentSpec spec) {
        OrcaExperimentSpec.Finetune f = spec.finetune;
        return new FineTuning.Settings(f.epochs, f.batchSize, f.gradientAccumulation, kind(f.optimizer.name), f.optimizer.lr,
                f.optimizer.weightDecay, f.optimizer.momentum, betas(f.optimizer), f.clipNorm, f.schedule.warmupEpochs,
                f.schedule.decayEpochs != null ? f.schedule.decayEpochs : f.epochs, spec.seed,
                f.precision == OrcaExperimentSpec.Precision.BF16);
    }

    /** The spec's OTDD settings; left at their defaults, the quantity microsoft/otdd computes for ORCA. */
    static OtddOptions otddOptions(OrcaExperimentSpec.Alignment alignment) {
        SinkhornOptions sinkhorn = SinkhornOptions.DEFAULT.withEpsilon(alignment.epsilon).withSchedule(
                alignment.sinkhorn == OrcaExperimentSpec.SinkhornSchedule.CONVERGED
                        ? SinkhornOptions.Schedule.CONVERGED : SinkhornOptions.Schedule.ANNEALED);
        return OtddOptions.DEFAULT.withSinkhorn(sinkhorn)
                .withLabelCost(alignment.metric == OrcaExperimentSpec.AlignmentMetric.OTDD_GAUSSIAN
                        ? OtddOptions.LabelCost.GAUSSIAN : OtddOptions.LabelCost.EXACT)
                .withCostWeight(alignment.pointCost == OrcaExperimentSpec.OtddPointCost.FULL ? 1 : OtddOptions.GEOMLOSS_WEIGHT)
                .withLabelGradient(alignment.labelGradient);
    }

    private static OrcaExperimentSpec.Loss loss(OrcaExperimentSpec.Task task) {
        return task.loss != null ? task.loss : switch (task.type) {
            case CLASSIFICATION -> OrcaExperimentSpec.Loss.CROSS_ENTROPY;
            case MULTILABEL -> OrcaExperimentSpec.Loss.BINARY_CROSS_ENTROPY;
            case DENSE -> OrcaExperimentSpec.Loss.MSE;
        };
    }

    private static double[] betas(OrcaExperimentSpec.Optimizer o) {
        return new double[] {o.betas.get(0), o.betas.get(1)};
    }

    private static ParameterUpdater.Kind kind(OrcaExperimentSpec.OptimizerName name) {
        return switch (name) {
            case SGD -> ParameterUpdater.Kind.SGD;
            case ADAM -> ParameterUpdater.Kind.ADAM;
            case ADAMW -> ParameterUpdater.Kind.ADAMW;
        };
    }
}
