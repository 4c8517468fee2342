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
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.ot.DatasetDistance;
import dev.orca.trainer.ot.ClassWiseSampler;
import dev.orca.trainer.progress.EtaEstimator;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.progress.ProgressSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * ORCA's stage 2: train only the task embedder so that the embedded target data (tokens mean-pooled to
 * one feature vector per example) moves towards the proxy source under an {@link DatasetDistance}.
 * Each epoch draws the class-wise batches (Algorithm 1), back-propagates {@code w_i · d(batch_i)} batch by
 * batch (so memory stays at one batch × the source), then takes one optimizer step; the learning rate
 * follows StepLR. The per-epoch distance forms the recorded curve; a checkpoint follows every epoch.
 */
public final class EmbedderAlignment {

    /**
     * @param epochs          alignment epochs (optimizer steps)
     * @param samplesPerClass b: target samples per class-wise batch
     * @param rounds          R: batches per class and epoch
     * @param optimizer       algorithm
     * @param learningRate    initial learning rate
     * @param weightDecay     weight decay
     * @param momentum        SGD momentum
     * @param betas           Adam's (beta1, beta2)
     * @param milestones      StepLR milestones in epochs (official: 20, 40, 60)
     * @param gamma           StepLR factor (official: 0.2)
     * @param seed            sampling seed
     */
    public record Settings(int epochs, int samplesPerClass, int rounds, ParameterUpdater.Kind optimizer, double learningRate,
                           double weightDecay, double momentum, double[] betas, int[] milestones, double gamma, long seed) {
        /** The official no_warmup_scheduler of every config: StepLR, × 0.2 after epochs 20, 40 and 60. */
        public static final int[] OFFICIAL_MILESTONES = {20, 40, 60};
        public static final double OFFICIAL_GAMMA = 0.2;

        public Settings {
            if (epochs < 1 || samplesPerClass < 1 || rounds < 1) {
                throw new IllegalArgumentException("alignment.epochs, samplesPerClass and rounds must be >= 1, got "
                        + epochs + ", " + samplesPerClass + ", " + rounds);
            }
            if (!(learningRate > 0) || !(gamma > 0)) {
                throw new IllegalArgumentException("alignment.optimizer.lr and gamma must be > 0, got " + learningRate + ", " + gamma);
            }
        }
    }

    public static final String STAGE = "align";

    private final Block embedder;
    private final List<Parameter> trainable;
    private final DatasetDistance metric;
    private final Settings settings;
    private final RunCheckpoint checkpoint;
    private final ProgressSink progress;
    private java.util.function.IntConsumer epochObserver = epoch -> { };

    public EmbedderAlignment(Block embedder, List<Parameter> trainable, DatasetDistance metric, Settings settings,
                     RunCheckpoint checkpoint, ProgressSink progress) {
        this.embedder = embedder;
        this.trainable = List.copyOf(trainable);
        this.metric = metric;
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.progress = progress;
    }

    /**
     * Calls {@code observer} with 0 before the first epoch this process runs (when the alignment starts from scratch) and
     * with the number of completed epochs after each optimizer step: where a caller looks at the embedder as it moves.
     */
    public EmbedderAlignment observingEachEpoch(java.util.function.IntConsumer observer) {
        this.epochObserver = observer;
        return this;
    }

    /** Mean-pooled embedder features {@code (n, D)}: what the metric compares with the source. */
    public static NDArray features(Block embedder, ParameterStore store, NDArray inputs, boolean training) {
        NDArray tokens = embedder.forward(store, new NDList(inputs), training).singletonOrThrow();
        return tokens.getShape().dimension() == 3 ? tokens.mean(new int[] {1}) : tokens;
    }

    /** The class-wise batches of one epoch (Algorithm 1), drawn from a seed of the run's seed and the epoch. */
    public static List<ClassWiseSampler.Batch> epochBatches(int[] labels, Settings settings, int epoch) {
        return ClassWiseSampler.sample(labels, settings.samplesPerClass(), settings.rounds(),
                new Random(settings.seed() * 1_000_003L + epoch));
    }

    /** Aligns on {@code inputs} with (pseudo-)labels; returns the distance of every epoch, those of an earlier, resumed run first. */
    public List<Double> run(NDArray inputs, int[] labels) {
        if (inputs.getShape().get(0) != labels.length || labels.length == 0) {
            throw new IllegalArgumentException("alignment data has " + inputs.getShape().get(0) + " inputs and "
                    + labels.length + " labels");
        }
        ParameterUpdater optimizer = new ParameterUpdater(settings.optimizer(), trainable, settings.weightDecay(), settings.momentum(),
                settings.betas()[0], settings.betas()[1]);
        int start = 0;
        RunCheckpoint.Restored restored = checkpoint == null ? null : checkpoint.restore(STAGE, embedder).orElse(null);
        if (restored != null) {
            optimizer.load(restored.optimizer());
            start = restored.progress().completedEpochs();
        }
        ParameterStore store = new ParameterStore(inputs.getManager(), false);
        EtaEstimator eta = new EtaEstimator();
        List<Double> curve = new ArrayList<>();
        if (restored != null && restored.progress().curve() != null) {
            curve.addAll(restored.progress().curve());
        }
        if (progress != null && start < settings.epochs()) {
            progress.accept(ProgressEvent.of(TrainerStage.ALIGNING, "epoch " + (start + 1) + " of " + settings.epochs()));
        }
        if (start == 0) {
            epochObserver.accept(0);
        }
        for (int epoch = start; epoch < settings.epochs(); epoch++) {
            long began = System.nanoTime();
            List<ClassWiseSampler.Batch> batches = epochBatches(labels, settings, epoch);
            double total = 0;
            for (ClassWiseSampler.Batch batch : batches) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray x = inputs.get(inputs.getManager().create(batch.indices()));
                        int[] batchLabels = new int[batch.indices().length];
                        Arrays.fill(batchLabels, batch.label());
                        NDArray distance = metric.distance(features(embedder, store, x, true), batchLabels);
                        double value = Scalars.value(distance);
                        if (!Double.isFinite(value)) {
                            throw new FineTuning.NonFiniteLoss("alignment stopped: the distance is " + value + " in epoch "
                                    + (epoch + 1) + " (class " + batch.label() + ")");
                        }
                        total += batch.weight() * value;
                        collector.backward(Scalars.mul(distance, batch.weight()));
                    }
                }
            }
            optimizer.step(LearningRateSchedule.milestones(settings.learningRate(), epoch, settings.milestones(), settings.gamma()));
            curve.add(total);
            epochObserver.accept(epoch + 1);
            if (checkpoint != null) {
                checkpoint.save(STAGE, embedder, optimizer.state(),
                        new RunCheckpoint.Progress(STAGE, epoch + 1, optimizer.steps(), 0, total, List.copyOf(curve), null));
            }
            eta.epochTook((System.nanoTime() - began) / 1e9);
            if (progress != null) {
                progress.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, epoch + 1, settings.epochs(),
                        optimizer.steps(), total, total, eta.remaining(settings.epochs() - epoch - 1, 0, 1)));
            }
        }
        return curve;
    }
}
