package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.eval.TaskMetrics;
import java.util.Arrays;

/**
 * The evaluation stage: the model's predictions on a split, in the data's own units, scored by the task's metric
 * ({@link TaskMetrics}, NAS-Bench-360's definitions).
 */
final class Evaluation {
    private Evaluation() {}

    /** The metric on {@code rows} of the run's data. */
    static double evaluate(RunPlan plan, PreparedRun run, int[] rows) {
        OrcaExperimentSpec spec = plan.spec();
        TaskData data = run.data();
        OrcaModel model = run.model();
        ParameterStore store = run.store();
        if (rows.length == 0) {
            throw new IllegalArgumentException("spec.task.data: the evaluation split is empty (raise testFraction or give files.test)");
        }
        NDManager manager = data.x().getManager();
        int batch = Math.max(1, spec.finetune.batchSize);
        float[][] predictions = new float[rows.length][];
        float[][] targets = new float[rows.length][];
        for (int from = 0; from < rows.length; from += batch) {
            int to = Math.min(rows.length, from + batch);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray index = PreparedRun.rows(manager, Arrays.copyOfRange(rows, from, to));
                NDArray out = model.forward(store, new NDList(data.x().get(index)), false).singletonOrThrow();
                NDArray y = data.y().get(index);
                if (spec.task.type == TaskType.DENSE) {
                    out = out.mul(data.targetStd()).add(data.targetMean());
                    y = y.mul(data.targetStd()).add(data.targetMean());
                }
                float[] o = out.toType(DataType.FLOAT32, false).toFloatArray();
                float[] t = y.toType(DataType.FLOAT32, false).toFloatArray();
                int width = o.length / (to - from);
                int targetWidth = t.length / (to - from);
                for (int i = 0; i < to - from; i++) {
                    predictions[from + i] = Arrays.copyOfRange(o, i * width, (i + 1) * width);
                    targets[from + i] = Arrays.copyOfRange(t, i * targetWidth, (i + 1) * targetWidth);
                }
            }
        }
        return switch (spec.task.metric) {
            case ZERO_ONE_ERROR -> TaskMetrics.zeroOneError(predictions, labels(targets));
            case ONE_MINUS_F1 -> TaskMetrics.oneMinusMacroF1(predictions, labels(targets), spec.task.numClasses);
            case ONE_MINUS_AUROC -> spec.task.type != TaskType.DENSE ? TaskMetrics.oneMinusAuroc(predictions, targets)
                    : data.ignore() != null ? TaskMetrics.cosmicOneMinusAuroc(predictions, targets, ignoreRows(data, rows, targets))
                    : TaskMetrics.oneMinusAuroc(column(predictions), column(targets)); // every pixel one example
            case ONE_MINUS_MAP -> data.clips() == null ? TaskMetrics.oneMinusMap(predictions, targets)
                    : TaskMetrics.oneMinusMapPerClip(predictions, targets, Arrays.stream(rows).map(r -> data.clips()[r]).toArray());
            case MAE8 -> TaskMetrics.mae8(predictions, targets);
            case RELATIVE_L2 -> TaskMetrics.relativeL2(predictions, targets);
            case NLL -> TaskMetrics.nll(predictions, targets);
        };
    }

    /** The ignore mask of the evaluated rows, in the targets' layout. */
    private static float[][] ignoreRows(TaskData data, int[] rows, float[][] targets) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            int width = targets[i].length;
            out[i] = Arrays.copyOfRange(data.ignore(), rows[i] * width, (rows[i] + 1) * width);
        }
        return out;
    }

    private static float[][] column(float[][] rows) {
        return Arrays.stream(rows).flatMap(r -> {
            float[][] out = new float[r.length][];
            for (int i = 0; i < r.length; i++) {
                out[i] = new float[] {r[i]};
            }
            return Arrays.stream(out);
        }).toArray(float[][]::new);
    }

    private static int[] labels(float[][] targets) {
        return Arrays.stream(targets).mapToInt(t -> (int) t[0]).toArray();
    }
}
