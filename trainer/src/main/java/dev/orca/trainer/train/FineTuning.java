package dev.orca.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.nd.Autocast;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.nn.SeededDropout;
import dev.orca.trainer.progress.EtaEstimator;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A supervised training loop with everything a long run on a preemptible pod needs: seeded per-epoch
 * shuffling (the order of epoch e depends only on the seed and e), gradient accumulation, global-norm
 * clipping, linear warm-up then linear decay, a checkpoint after every epoch and exact resumption from
 * it, and a stop on a non-finite loss that names the stage and epoch and leaves the last checkpoint intact.
 */
public final class FineTuning {

    /**
     * @param epochs        passes over the training data
     * @param batchSize     examples per forward pass
     * @param accumulation  forward passes per optimizer update
     * @param optimizer     algorithm
     * @param learningRate  peak learning rate
     * @param weightDecay   decoupled (AdamW) or L2 (SGD, Adam) weight decay
     * @param momentum      SGD momentum
     * @param betas         Adam's (beta1, beta2)
     * @param clipNorm      maximum global gradient norm, 0 for none
     * @param warmupEpochs  epochs of linear warm-up before the linear decay
     * @param decayEpochs   epoch at which the linear decay reaches zero (official decay_epochs)
     * @param seed          shuffling seed
     * @param bf16          the training step's matrix products in bfloat16, master weights fp32 ({@link Autocast})
     */
    public record Settings(int epochs, int batchSize, int accumulation, ParameterUpdater.Kind optimizer, double learningRate,
                           double weightDecay, double momentum, double[] betas, double clipNorm, int warmupEpochs,
                           int decayEpochs, long seed, boolean bf16) {
        /** fp32 throughout. */
        public Settings(int epochs, int batchSize, int accumulation, ParameterUpdater.Kind optimizer, double learningRate,
                        double weightDecay, double momentum, double[] betas, double clipNorm, int warmupEpochs,
                        int decayEpochs, long seed) {
            this(epochs, batchSize, accumulation, optimizer, learningRate, weightDecay, momentum, betas, clipNorm, warmupEpochs,
                    decayEpochs, seed, false);
        }

        public Settings {
            require(epochs >= 1, "finetune.epochs must be >= 1, got " + epochs);
            require(batchSize >= 1, "finetune.batchSize must be >= 1, got " + batchSize);
            require(accumulation >= 1, "finetune.gradientAccumulation must be >= 1, got " + accumulation);
            require(learningRate > 0 && Double.isFinite(learningRate), "finetune.optimizer.lr must be > 0, got " + learningRate);
            require(clipNorm >= 0, "finetune.clipNorm must be >= 0, got " + clipNorm);
            require(warmupEpochs >= 0, "finetune.schedule.warmupEpochs must be >= 0, got " + warmupEpochs);
            // decayEpochs <= warmupEpochs (a run shorter than the default 5-epoch warm-up) is a warm-up only, as in the official code.
            require(decayEpochs >= 1, "finetune.schedule.decayEpochs must be >= 1, got " + decayEpochs);
            require(betas.length == 2, "finetune.optimizer.betas must hold two values");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** The task loss of a batch: a 0-d array. */
    @FunctionalInterface
    public interface LossFunction {
        NDArray loss(NDArray output, NDArray target);
    }

    /** Training stopped on a NaN or infinite loss. */
    public static final class NonFiniteLoss extends RuntimeException {
        public NonFiniteLoss(String message) {
            super(message);
        }
    }

    public static final String STAGE = "finetune";
    /** The checkpoint stage holding the best-validated epoch's parameters. */
    public static final String BEST_STAGE = "finetune-best";

    private final Block model;
    private final List<Parameter> trainable;
    private final LossFunction lossFunction;
    private final Settings settings;
    private final RunCheckpoint checkpoint;
    private final SeededDropout dropout;
    private final ProgressSink progress;
    private int stopAfter;
    private EpochValidation validation;
    private boolean keepBestValidated;
    private final List<Double> validationCurve = new ArrayList<>();
    private final List<Double> lossCurve = new ArrayList<>();

    /**
     * A validation measurement after every epoch (search trials rank configurations by it; a run keeps its best-validated
     * epoch). Lower is better: every NAS-Bench-360 metric is an error.
     */
    public record EpochValidation(String metric, java.util.function.DoubleSupplier measure) {}

    public FineTuning(Block model, List<Parameter> trainable, LossFunction loss, Settings settings,
                      RunCheckpoint checkpoint, SeededDropout dropout, ProgressSink progress) {
        this.model = model;
        this.trainable = List.copyOf(trainable);
        this.lossFunction = loss;
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.dropout = dropout;
        this.progress = progress;
        this.stopAfter = settings.epochs();
    }

    /**
     * Stops after epoch {@code epochs} of a run whose schedule spans {@code settings.epochs}: an ASHA rung trains
     * part of the full run, and a promotion resumes from its checkpoint, so rung k's model is exactly the model a
     * full run would have after that many epochs.
     */
    public FineTuning stopAfter(int epochs) {
        if (epochs < 1 || epochs > settings.epochs()) {
            throw new IllegalArgumentException("cannot stop after epoch " + epochs + " of " + settings.epochs());
        }
        this.stopAfter = epochs;
        return this;
    }

    /** Measures {@code validation} after every epoch and reports it with the epoch's progress event. */
    public FineTuning validateEachEpoch(EpochValidation validation) {
        this.validation = validation;
        return this;
    }

    /**
     * Measures {@code validation} after every epoch and keeps the parameters of the best-validated epoch (the latest
     * among equals, as the official main.py:102-106 does) in the checkpoint's {@link #BEST_STAGE}, saved before the
     * epoch's own checkpoint so that a restart between the two replays the epoch and saves both again.
     * {@link #restoreBestValidated} loads them once training is over.
     */
    public FineTuning keepBestValidated(EpochValidation validation) {
        if (checkpoint == null) {
            throw new IllegalStateException("keeping the best-validated epoch needs a run checkpoint");
        }
        this.validation = validation;
        this.keepBestValidated = true;
        return this;
    }

    /** The validation figure after each epoch, from the first (resumed runs included); empty when not validated. */
    public List<Double> validationCurve() {
        return List.copyOf(validationCurve);
    }

    /** The mean training loss of each epoch, from the first (resumed runs included, unlike {@link #run}'s). */
    public List<Double> lossCurve() {
        return List.copyOf(lossCurve);
    }

    /**
     * Loads the best-validated epoch's parameters into the model and returns that epoch (1-based); empty, the model
     * untouched, when no epoch had a finite figure. Call after {@link #run} with {@link #keepBestValidated}.
     */
    public java.util.OptionalInt restoreBestValidated() {
        if (!keepBestValidated) {
            throw new IllegalStateException("keepBestValidated was not asked for");
        }
        return checkpoint.restore(BEST_STAGE, model).map(r -> java.util.OptionalInt.of(r.progress().completedEpochs()))
                .orElse(java.util.OptionalInt.empty());
    }

    /** Trains on {@code inputs[i] → targets[i]}; returns the mean loss of every epoch run by this call. */
    public List<Double> run(NDArray inputs, NDArray targets) {
        long n = inputs.getShape().get(0);
        if (n == 0 || targets.getShape().get(0) != n) {
            throw new IllegalArgumentException("training data has " + n + " inputs and " + targets.getShape().get(0) + " targets");
        }
        ParameterUpdater optimizer = new ParameterUpdater(settings.optimizer(), trainable, settings.weightDecay(), settings.momentum(),
                settings.betas()[0], settings.betas()[1]);
        int start = 0;
        RunCheckpoint.Restored restored = checkpoint == null ? null : checkpoint.restore(STAGE, model).orElse(null);
        if (restored != null) {
            optimizer.load(restored.optimizer());
            start = restored.progress().completedEpochs();
            if (dropout != null) {
                dropout.restore(restored.progress().dropoutCalls());
            }
            if (restored.progress().validation() != null) {
                validationCurve.addAll(restored.progress().validation());
            }
            if (restored.progress().curve() != null) {
                lossCurve.addAll(restored.progress().curve());
            }
        }
        int batches = (int) ((n + settings.batchSize() - 1) / settings.batchSize());
        long updatesPerEpoch = (batches + settings.accumulation() - 1) / settings.accumulation();
        long totalUpdates = updatesPerEpoch * settings.decayEpochs();
        long warmupUpdates = updatesPerEpoch * settings.warmupEpochs();
        ParameterStore store = new ParameterStore(inputs.getManager(), false);
        EtaEstimator eta = new EtaEstimator();
        List<Double> losses = new ArrayList<>();
        if (progress != null && start < stopAfter) {
            // Said at once, not after the first epoch (which can take hours): the status shows the stage the run is in.
            progress.accept(ProgressEvent.of(TrainerStage.FINE_TUNING, "epoch " + (start + 1) + " of " + settings.epochs()));
        }
        for (int epoch = start; epoch < stopAfter; epoch++) {
            long began = System.nanoTime();
            int[] order = order((int) n, epoch);
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                long[] rows = Arrays.stream(Arrays.copyOfRange(order, b * settings.batchSize(),
                        (int) Math.min(n, (long) (b + 1) * settings.batchSize()))).asLongStream().toArray();
                double value;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray index = inputs.getManager().create(rows);
                    // Validation and test run outside the scope, in fp32.
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                         Autocast.Scope products = Autocast.bf16(settings.bf16())) {
                        NDArray output = model.forward(store, new NDList(inputs.get(index)), true).singletonOrThrow();
                        NDArray loss = lossFunction.loss(output, targets.get(index));
                        value = Scalars.value(loss);
                        if (!Double.isFinite(value)) {
                            throw new NonFiniteLoss("fine-tuning stopped: the loss is " + value + " in epoch " + (epoch + 1)
                                    + " (batch " + (b + 1) + "); the checkpoint of epoch " + epoch + " is intact");
                        }
                        collector.backward(Scalars.mul(loss, 1.0 / settings.accumulation()));
                    }
                }
                sum += value;
                if ((b + 1) % settings.accumulation() == 0 || b == batches - 1) {
                    if (settings.clipNorm() > 0) {
                        optimizer.clipGradientNorm(settings.clipNorm());
                    }
                    optimizer.step(LearningRateSchedule.warmupLinear(settings.learningRate(), optimizer.steps(),
                            warmupUpdates, totalUpdates));
                }
            }
            double mean = sum / batches;
            losses.add(mean);
            lossCurve.add(mean);
            Double validated = null;
            if (validation != null) {
                validated = validation.measure().getAsDouble();
                validationCurve.add(validated);
                if (keepBestValidated && isBest(validated)) {
                    checkpoint.save(BEST_STAGE, model, new ParameterUpdater.State(optimizer.steps(), java.util.Map.of()),
                            new RunCheckpoint.Progress(BEST_STAGE, epoch + 1, optimizer.steps(), 0, mean, null, null));
                }
            }
            if (checkpoint != null) {
                checkpoint.save(STAGE, model, optimizer.state(), new RunCheckpoint.Progress(STAGE, epoch + 1,
                        optimizer.steps(), dropout == null ? 0 : dropout.calls(), mean, List.copyOf(lossCurve),
                        validation == null ? null : List.copyOf(validationCurve)));
            }
            eta.epochTook((System.nanoTime() - began) / 1e9);
            ProgressEvent event = ProgressEvent.epoch(TrainerStage.FINE_TUNING, epoch + 1, settings.epochs(),
                    optimizer.steps(), mean, null, eta.remaining(stopAfter - epoch - 1, 0, 1));
            if (validated != null) {
                event = event.withMetric(validation.metric(), validated, "validation");
            }
            if (progress != null) {
                progress.accept(event);
            }
        }
        return losses;
    }

    /** Whether the newest validation figure is at least as good as every earlier one (NaN never is). */
    private boolean isBest(double newest) {
        if (Double.isNaN(newest)) {
            return false;
        }
        for (int i = 0; i < validationCurve.size() - 1; i++) {
            if (validationCurve.get(i) < newest) {
                return false;
            }
        }
        return true;
    }

    /** The example order of an epoch: a function of the seed and the epoch only, so resumption replays it. */
    int[] order(int n, int epoch) {
        return dev.orca.trainer.data.Permutations.of(n, new Random(settings.seed() * 1_000_003L + epoch));
    }
}
