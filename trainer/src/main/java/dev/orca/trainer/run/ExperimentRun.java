package dev.orca.trainer.run;

import ai.djl.ndarray.NDManager;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.EvaluatedModel;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.report.RunReport;
import dev.orca.trainer.train.FineTuning;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The trainer's three entry points, each a composition of the stages over one {@link RunPlan}: {@link #run} (data,
 * model, alignment for modes that align, fine-tuning, evaluation; {@code result.json}), {@link #trial} (one ASHA rung of
 * fine-tuning, validated each epoch; {@code trial.json}) and {@link #align} (alignment alone, for body selection;
 * {@code alignment.json}). Every stage checkpoints into the run directory ({@link RunDirectory}); running again resumes.
 */
public final class ExperimentRun {
    private ExperimentRun() {}

    /**
     * What {@code result.json} holds. {@code test} and {@code validation} score the evaluated model: the epoch
     * {@code evaluatedEpoch} (1-based; the best-validated one under {@code finetune.evaluatedModel: bestValidated}, else
     * the last); {@code testLastEpoch} scores the last epoch's model either way, as the official code prints both.
     * {@code validationCurve}: the validation figure after each epoch, empty when there is no validation split.
     * {@code embedderTrace}: the task embedder's projection norm and positions' mean and spread before alignment and after
     * each of its epochs (empty when the mode does not align; null in results written before it existed).
     */
    public record Result(String mode, String body, String metric, double test, double validation, int evaluatedEpoch,
                         double testLastEpoch, List<Double> validationCurve, List<Double> alignmentCurve,
                         List<Double> trainingLoss, double alignmentSeconds, double fineTuningSeconds,
                         List<dev.orca.trainer.task.TaskEmbedder.Statistics> embedderTrace) {}

    /** What {@code trial.json} holds: the validation metric after each epoch trained so far (index epoch - 1). */
    public record TrialResult(String metric, List<Double> validation) {
        /** The figure at the end of epoch {@code epoch} (1-based). */
        public double at(int epoch) {
            Double v = epoch <= validation.size() ? validation.get(epoch - 1) : null;
            if (v == null) {
                throw new IllegalStateException("no validation figure for epoch " + epoch);
            }
            return v;
        }
    }

    /** What {@code alignment.json} holds: the alignment distance per epoch. */
    public record AlignmentResult(String body, String metric, List<Double> curve, double seconds) {
        public double last() {
            return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1);
        }
    }

    /**
     * Declared before the run's manager, so closed after it (resources close in reverse order): once its tensors are freed, the allocator
     * returns their pages, so that runs in one process do not stack their peaks.
     */
    private static final class NativeRelease implements AutoCloseable {
        @Override
        public void close() {
            dev.orca.trainer.nd.NativeMemory.release();
        }
    }

    /** The whole pipeline: data, model, alignment (modes that align), fine-tuning, evaluation; {@code result.json}. */
    public static Result run(OrcaExperimentSpec spec, Path out, ProgressSink progress) {
        RunPlan plan = RunPlan.of(spec);
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            PreparedRun run = PreparedRun.prepare(plan, out, manager, progress, "run");
            long alignStart = System.nanoTime();
            AlignmentStage.Outcome aligned = plan.aligns() ? AlignmentStage.run(plan, run, manager, progress)
                    : new AlignmentStage.Outcome(List.of(), List.of());
            List<Double> curve = aligned.curve();
            double alignSeconds = (System.nanoTime() - alignStart) / 1e9;

            long fineStart = System.nanoTime();
            int[] validationRows = run.data().splits().validation();
            FineTuning fineTuning = FineTuningStage.of(plan, run, progress);
            boolean selects = validationRows.length > 0 && spec.finetune.evaluatedModel == EvaluatedModel.BEST_VALIDATED;
            if (validationRows.length > 0) {
                FineTuning.EpochValidation each = new FineTuning.EpochValidation(plan.metric(),
                        () -> Evaluation.evaluate(plan, run, validationRows));
                fineTuning = selects ? fineTuning.keepBestValidated(each) : fineTuning.validateEachEpoch(each);
            }
            fineTuning.run(run.trainX(), FineTuningStage.targets(run));
            List<Double> losses = fineTuning.lossCurve();
            double fineSeconds = (System.nanoTime() - fineStart) / 1e9;

            progress.accept(ProgressEvent.of(TrainerStage.EVALUATING, "validation and test"));
            double testLastEpoch = Evaluation.evaluate(plan, run, run.data().splits().test());
            int evaluatedEpoch = spec.finetune.epochs;
            double test = testLastEpoch;
            if (selects) {
                java.util.OptionalInt best = fineTuning.restoreBestValidated();
                if (best.isPresent() && best.getAsInt() != spec.finetune.epochs) {
                    evaluatedEpoch = best.getAsInt();
                    test = Evaluation.evaluate(plan, run, run.data().splits().test());
                }
            }
            double validation = validationRows.length == 0 ? Double.NaN : Evaluation.evaluate(plan, run, validationRows);
            if (Double.isFinite(validation)) {
                progress.accept(ProgressEvent.of(TrainerStage.EVALUATING, "validation done, epoch " + evaluatedEpoch
                        + " evaluated").withMetric(plan.metric(), validation, "validation"));
            }
            Result result = new Result(plan.mode(), spec.body.checkpoint, plan.metric(), test, validation, evaluatedEpoch,
                    testLastEpoch, fineTuning.validationCurve(), curve, losses, alignSeconds, fineSeconds, aligned.trace());
            RunDirectory directory = new RunDirectory(out);
            AtomicFiles.writeJson(directory.result(), result);
            RunReport.write(directory.report(), new RunReport.Content("Orca: " + out.toAbsolutePath().getFileName(),
                    result.mode(), result.body(), result.metric(), test, validation, evaluatedEpoch, curve, plan.alignmentMetric(), losses,
                    alignSeconds, fineSeconds));
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null,
                    null, curve.isEmpty() ? null : curve.get(curve.size() - 1), result.metric(), test, "test", 0L, null));
            return result;
        }
    }

    /**
     * One ASHA rung of a search trial: fine-tunes {@code spec} (already the trial's configuration, its schedule spanning
     * the search's maximum epochs) up to epoch {@code untilEpoch}, resuming from the trial's checkpoint in {@code out}
     * when an earlier rung left one, and measures the validation split after every epoch. The test split is never
     * evaluated. {@code trial.json} keeps the curve across rungs.
     */
    public static TrialResult trial(OrcaExperimentSpec spec, int untilEpoch, Path out, ProgressSink progress) {
        RunPlan plan = RunPlan.of(spec);
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            PreparedRun run = PreparedRun.prepare(plan, out, manager, progress, "trial");
            int[] validationRows = run.data().splits().validation();
            if (validationRows.length == 0) {
                throw new IllegalArgumentException("spec.task.data.validationFraction: a search ranks trials on the validation split,"
                        + " which is empty (raise validationFraction)");
            }
            String metric = plan.metric();
            Path file = new RunDirectory(out).trial();
            List<Double> curve = new java.util.ArrayList<>(earlierRungs(file, progress));
            ProgressSink recording = event -> {
                if (event.stage() == TrainerStage.FINE_TUNING && "validation".equals(event.split()) && event.epoch() != null) {
                    dev.orca.crd.ProgressReport.putEpoch(curve, event.epoch(), event.metricValue());
                    AtomicFiles.writeJson(file, new TrialResult(metric, curve));
                }
                progress.accept(event);
            };
            FineTuningStage.of(plan, run, recording).stopAfter(untilEpoch)
                    .validateEachEpoch(new FineTuning.EpochValidation(metric, () -> Evaluation.evaluate(plan, run, validationRows)))
                    .run(run.trainX(), FineTuningStage.targets(run));
            if (curve.size() < untilEpoch || curve.get(untilEpoch - 1) == null) {
                // Restarted after the checkpoint of the last epoch but before its figure was written: the model is that epoch's.
                recording.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, untilEpoch, spec.finetune.epochs, 0, Double.NaN,
                        null, 0L).withMetric(metric, Evaluation.evaluate(plan, run, validationRows), "validation"));
            }
            TrialResult result = new TrialResult(metric, curve.stream().map(v -> v == null ? Double.NaN : v).toList());
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, untilEpoch,
                    spec.finetune.epochs, null, null, null, metric, result.at(untilEpoch), "validation", 0L, null));
            return result;
        }
    }

    /**
     * The validation curve of the trial's earlier rungs. A damaged {@code trial.json} (it is written atomically, so only
     * a fault outside Orca's control makes one) costs the earlier figures, not the trial: this rung's is measured anew.
     */
    private static List<Double> earlierRungs(Path file, ProgressSink progress) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            TrialResult earlier = AtomicFiles.readJson(file, TrialResult.class);
            return earlier.validation() == null ? List.of() : earlier.validation();
        } catch (UncheckedIOException e) {
            progress.accept(ProgressEvent.of(TrainerStage.PREPARING, file + " is unreadable (" + e.getCause().getMessage()
                    + "); the earlier rungs' figures are dropped and this rung's is measured again"));
            return List.of();
        }
    }

    /** The alignment stage alone (body selection): the distance per epoch, in {@code alignment.json}. */
    public static AlignmentResult align(OrcaExperimentSpec spec, Path out, ProgressSink progress) {
        RunPlan plan = RunPlan.of(spec);
        if (!plan.aligns()) {
            throw new IllegalArgumentException("spec.mode: " + plan.mode() + " does not align");
        }
        try (NativeRelease released = new NativeRelease(); NDManager manager = NDManager.newBaseManager()) {
            PreparedRun run = PreparedRun.prepare(plan, out, manager, progress, "candidate");
            long start = System.nanoTime();
            List<Double> curve = AlignmentStage.run(plan, run, manager, progress).curve();
            AlignmentResult result = new AlignmentResult(spec.body.checkpoint, plan.alignmentMetric(), curve,
                    (System.nanoTime() - start) / 1e9);
            AtomicFiles.writeJson(new RunDirectory(out).alignment(), result);
            progress.accept(new ProgressEvent(System.currentTimeMillis(), TrainerStage.SUCCEEDED, null, null, null, null,
                    result.last(), null, null, null, 0L, null));
            return result;
        }
    }

    /**
     * Writes what an OTDD alignment compares in its first epoch (the proxy source and the initial embedder's class-wise
     * batches, in the shared OTDD reference layout), so that {@code bench/run otdd-files} can time a real alignment's calls.
     */
    public static void writeAlignmentFeatures(OrcaExperimentSpec spec, Path dir) {
        RunPlan plan = RunPlan.of(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            AlignmentStage.writeFirstEpochFeatures(plan, PreparedRun.prepare(plan, dir, manager, event -> { }, null), manager, dir);
        }
    }

    /**
     * Removes an earlier run's directory, so that the next run on it starts over instead of resuming from its
     * checkpoints (the demo and the reproduction harness want fresh runs).
     */
    public static void startFresh(Path out) {
        dev.orca.trainer.io.FileTrees.delete(out);
    }
}
