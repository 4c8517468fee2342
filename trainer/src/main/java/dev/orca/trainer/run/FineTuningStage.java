package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.Losses;

/**
 * Stage 3: the model (all of it, or its LayerNorms for FPT) trained on the task loss, over {@link #targets}.
 */
final class FineTuningStage {
    private FineTuningStage() {}

    static FineTuning of(RunPlan plan, PreparedRun run, ProgressSink progress) {
        OrcaModel model = run.model();
        FineTuning.LossFunction loss = loss(plan, run.data());
        return new FineTuning(model, plan.layerNormOnly() ? model.layerNormParameters() : model.allParameters(),
                run.data().ignore() == null ? loss : outsideTheIgnoreMask(loss), plan.fineTuning(), run.checkpoints(),
                run.dropout(), progress);
    }

    /**
     * What fine-tuning trains towards: the training split's targets, or, for a task with an ignore mask (Cosmic), the
     * targets and {@code 1 - ignore} stacked on a new axis 1, so that each batch's loss sees its rows' mask.
     */
    static NDArray targets(PreparedRun run) {
        TaskData data = run.data();
        if (data.ignore() == null) {
            return run.trainY();
        }
        NDManager manager = data.y().getManager();
        NDArray ignore = manager.create(data.ignore(), data.y().getShape()).get(PreparedRun.rows(manager, data.splits().train()));
        NDArray y = run.trainY();
        return (y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(1)
                .concat(ignore.neg().add(1).expandDims(1), 1));
    }

    /**
     * The loss on the pixels outside the ignore mask: outputs and targets multiplied by {@code 1 - ignore} before the
     * loss, as the official train_one_epoch does for Cosmic (main.py:166-169 with utils.py:740-741 {@code mask}), so an
     * ignored pixel adds a constant and no gradient. Takes {@link #targets}' stacked form.
     */
    static FineTuning.LossFunction outsideTheIgnoreMask(FineTuning.LossFunction loss) {
        return (output, stacked) -> {
            NDArray keep = stacked.get(":, 1");
            return loss.loss(output.mul(keep), stacked.get(":, 0").mul(keep));
        };
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
