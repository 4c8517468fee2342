package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.nn.SeededDropout;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.train.RunCheckpoint;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What every kind of run builds first: its directory claimed, the data stage ({@link TaskData}) and the model stage
 * ({@link Architecture}) done, the training split's rows taken out once.
 */
record PreparedRun(TaskData data, SeededDropout dropout, Architecture architecture, ParameterStore store,
                   RunCheckpoint checkpoints, NDArray trainX, NDArray trainY) {

    /**
     * {@code kind} names the run for its directory's identity ({@link RunIdentity}): a directory holding another run's
     * files is not resumed from. Null for a directory that is not a run's (the alignment-feature dump).
     */
    static PreparedRun prepare(RunPlan plan, Path out, NDManager manager, ProgressSink progress, String kind) {
        String fingerprint = null;
        if (kind != null) {
            RunIdentity.Recorded identity = RunIdentity.of(kind, plan.spec());
            RunIdentity.claim(out, identity).ifPresent(message -> progress.accept(ProgressEvent.of(TrainerStage.PREPARING, message)));
            fingerprint = identity.fingerprint();
        }
        // Initialisation of the embedder and heads draws from the engine's generator: seed it.
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) plan.spec().seed);
        progress.accept(ProgressEvent.of(TrainerStage.PREPARING, "loading data and " + plan.spec().body.checkpoint));
        TaskData data = TaskData.load(plan.spec(), manager);
        SeededDropout dropout = new SeededDropout(plan.spec().seed, (float) plan.spec().finetune.dropout);
        Architecture architecture = Architecture.of(plan.spec(), manager, dropout);
        NDArray trainRows = rows(manager, data.splits().train());
        return new PreparedRun(data, dropout, architecture, new ParameterStore(manager, false),
                new RunCheckpoint(new RunDirectory(out).checkpoints(), fingerprint), data.x().get(trainRows), data.y().get(trainRows));
    }

    OrcaModel model() {
        return architecture.model();
    }

    static NDArray rows(NDManager manager, int[] rows) {
        return manager.create(Arrays.stream(rows).asLongStream().toArray());
    }
}
