package dev.orca.trainer.run;

import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.Losses;

/** Stage 3: the model (all of it, or its LayerNorms for FPT) trained on the task loss. */
final class FineTuningStage {
    private FineTuningStage() {}

    static FineTuning of(RunPlan plan, PreparedRun run, ProgressSink progress) {
        OrcaModel model = run.model();
        return new FineTuning(model, plan.layerNormOnly() ? model.layerNormParameters() : model.allParameters(),
                loss(plan, run.data()), plan.fineTuning(), run.checkpoints(), run.dropout(), progress);
    }

    private static FineTuning.LossFunction loss(RunPlan plan, TaskData data) {
        var task = plan.spec().task;
        return switch (plan.loss()) {
            case CROSS_ENTROPY -> Losses::crossEntropy;
            case BINARY_CROSS_ENTROPY -> task.positiveWeight == null ? Losses::binaryCrossEntropySum
                    : (out, y) -> Losses.binaryCrossEntropyMean(out, y, task.positiveWeight);
            case MSE -> Losses::meanSquaredError;
            case RELATIVE_L2 -> (out, y) -> Losses.relativeL2(out, y, data.targetStd(), data.targetMean());
            case FOCAL -> (out, y) -> Losses.focal(out, y, task.focalGamma, 1);
        };
    }
}
