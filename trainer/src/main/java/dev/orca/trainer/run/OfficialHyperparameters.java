package dev.orca.trainer.run;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.train.EmbedderAlignment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's budget in the authors' own vocabulary: the {@code hyperparameters} block of their
 * {@code configs/*.yaml} (read by src/main.py, src/task_configs.py and src/embedder.py), filled from the spec so that
 * their code trains with the same epochs, batch, optimizer, schedules and alignment as Orca does.
 *
 * <p>Only what both implementations can express is translated; anything else is refused naming the field, because a
 * side-by-side run on different budgets would compare the budgets rather than the implementations.
 */
public final class OfficialHyperparameters {
    private OfficialHyperparameters() {}

    /** The dataset name handed to the authors' code; their loaders are replaced by one that reads our splits. */
    public static final String DATASET = "ORCA_SPLITS";

    /**
     * The hyperparameters for {@code spec} in {@code mode} ({@code orca} aligns for {@code alignment.epochs}; {@code finetune}
     * sets embedder_epochs 0, which is how the authors' code fine-tunes without alignment), evaluating
     * {@code largestSplit} rows in one chunk.
     */
    public static Map<String, Object> of(OrcaExperimentSpec spec, OrcaExperimentSpec.Mode mode, int seed, int maxPositions,
                                         long largestSplit) {
        if (mode != OrcaExperimentSpec.Mode.ORCA && mode != OrcaExperimentSpec.Mode.FINETUNE) {
            throw new IllegalArgumentException("mode: the side by side runs orca and finetune, not " + OrcaExperimentSpec.wireName(mode));
        }
        if (spec.task.type != OrcaExperimentSpec.TaskType.CLASSIFICATION || spec.task.metric != OrcaExperimentSpec.Metric.ZERO_ONE_ERROR) {
            throw new IllegalArgumentException("spec.task: the side by side covers classification scored by zeroOneError (the authors'"
                    + " inverse_score(accuracy)), not " + OrcaExperimentSpec.wireName(spec.task.type) + " / "
                    + OrcaExperimentSpec.wireName(spec.task.metric));
        }
        if (spec.task.inputShape.size() != 2) {
            throw new IllegalArgumentException("spec.task.inputShape: 1D tasks (channels, length) only; the authors' 2D path"
                    + " needs a Swin body, got " + spec.task.inputShape);
        }
        String objective = switch (spec.alignment.metric) {
            case OTDD_EXACT -> "otdd-exact";
            case OTDD_GAUSSIAN -> "otdd-gaussian";
            default -> throw new IllegalArgumentException("spec.alignment.metric: the authors' OTDD path takes otdd-exact or"
                    + " otdd-gaussian, not " + OrcaExperimentSpec.wireName(spec.alignment.metric));
        };
        if (spec.alignment.rounds != 1) {
            throw new IllegalArgumentException("spec.alignment.rounds: the authors' loop takes one batch per class, got "
                    + spec.alignment.rounds);
        }
        OrcaExperimentSpec.Finetune f = spec.finetune;
        OrcaExperimentSpec.Optimizer o = f.optimizer;
        OrcaExperimentSpec.Optimizer aligned = spec.alignment.optimizer(f);
        OrcaExperimentSpec.Optimizer official = OrcaExperimentSpec.Alignment.derived(f, OrcaExperimentSpec.AlignmentRate.OFFICIAL);
        if (aligned != o && (aligned.lr != official.lr || aligned.name != official.name)) {
            throw new IllegalArgumentException("spec.alignment.optimizer: the authors' code derives the embedder's optimizer from"
                    + " fine-tuning's (rate x 10 when at most 1e-3); leave it unset and set spec.alignment.rate: official");
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("dataset", DATASET);
        h.put("embedder_dataset", "text");
        h.put("objective", objective);
        h.put("weight", "roberta"); // their name for a 1D text body; the runner loads the experiment's body in its place
        h.put("maxsamples", spec.alignment.samplesPerClass);
        h.put("target_seq_len", maxPositions);
        h.put("experiment_id", 0);
        h.put("seed", seed);
        h.put("epochs", f.epochs);
        h.put("embedder_epochs", mode == OrcaExperimentSpec.Mode.ORCA ? spec.alignment.epochs : 0);
        h.put("predictor_epochs", 0);
        h.put("finetune_method", "all");
        h.put("drop_out", f.dropout);
        h.put("batch_size", f.batchSize);
        // Their evaluate() averages the metric over chunks of eval_batch_size rows; one chunk is the split's own error.
        h.put("eval_batch_size", largestSplit);
        h.put("accum", f.gradientAccumulation);
        h.put("clip", f.clipNorm > 0 ? f.clipNorm : -1);
        h.put("validation_freq", 1);
        h.put("optimizer", Map.of("name", switch (o.name) {
            case ADAMW -> "AdamW";
            case ADAM -> "Adam";
            case SGD -> "SGD";
        }, "params", Map.of("lr", o.lr, "betas", o.betas, "weight_decay", o.weightDecay, "momentum", o.momentum)));
        int decay = f.schedule.decayEpochs != null ? f.schedule.decayEpochs : f.epochs;
        List<Integer> milestones = Arrays.stream(EmbedderAlignment.Settings.OFFICIAL_MILESTONES).boxed().toList();
        h.put("scheduler", Map.of("name", "WarmupLR", "params", Map.of("warmup_epochs", f.schedule.warmupEpochs,
                "decay_epochs", decay, "sched", milestones, "base", EmbedderAlignment.Settings.OFFICIAL_GAMMA)));
        h.put("no_warmup_scheduler", Map.of("name", "StepLR", "params", Map.of("warmup_epochs", 10, "decay_epochs", 200,
                "sched", milestones, "base", EmbedderAlignment.Settings.OFFICIAL_GAMMA)));
        h.put("num_workers", 0);
        h.put("reproducibility", false);
        h.put("valid_split", true);
        return h;
    }
}
