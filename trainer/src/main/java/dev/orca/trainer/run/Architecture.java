package dev.orca.trainer.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.TaskType;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.nn.SeededDropout;
import dev.orca.trainer.source.ProxySources;
import dev.orca.trainer.source.SourceFeatures;
import dev.orca.trainer.task.ClassificationHead;
import dev.orca.trainer.task.DenseHead;
import dev.orca.trainer.task.PatchGeometry;
import dev.orca.trainer.task.TaskEmbedder;
import dev.orca.trainer.vision.VisionBody;
import dev.orca.trainer.vision.VisionCheckpoints;
import dev.orca.trainer.vision.VisionDenseHead;
import dev.orca.trainer.vision.VisionTaskEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Stage 1 for one experiment: the task embedder {@code f}, the pretrained body {@code g} and the predictor
 * {@code h} as one {@link OrcaModel}, and how this body embeds its modality's proxy source (text bodies:
 * sentences through their own embedding layer; vision bodies: CIFAR-10 through their own patch embedding).
 *
 * @param model    f, g and h
 * @param embedder f alone (stage 2 trains it)
 * @param source   the proxy source's features for a dataset reference of this body's modality
 */
public record Architecture(OrcaModel model, Block embedder, SourceEmbedding source) {

    /** Embeds {@code spec.source} (already known not to be a {@code file:} of ready features). */
    @FunctionalInterface
    public interface SourceEmbedding {
        SourceFeatures.Embedded embed(OrcaExperimentSpec spec, NDManager manager);
    }

    public static Architecture of(OrcaExperimentSpec spec, NDManager manager, SeededDropout dropout) {
        Optional<Path> vision = BodyCheckpoints.directory(spec.body.checkpoint).filter(VisionCheckpoints::isVision);
        return vision.isPresent() ? vision(spec, VisionCheckpoints.load(vision.get()), manager, dropout) : text(spec, manager, dropout);
    }

    static Shape oneExample(OrcaExperimentSpec spec) {
        long[] one = new long[spec.task.inputShape.size() + 1];
        one[0] = 1;
        for (int i = 0; i < spec.task.inputShape.size(); i++) {
            one[i + 1] = spec.task.inputShape.get(i);
        }
        return new Shape(one);
    }

    private static Block classifier(OrcaExperimentSpec spec) {
        return new ClassificationHead(spec.task.numClasses, "cls".equals(spec.body.pooling)
                ? ClassificationHead.Pooling.CLS : ClassificationHead.Pooling.MEAN);
    }

    private static Architecture text(OrcaExperimentSpec spec, NDManager manager, SeededDropout dropout) {
        BodyCheckpoint checkpoint = BodyCheckpoints.load(spec.body.checkpoint);
        TextBody body = spec.mode == OrcaExperimentSpec.Mode.SCRATCH
                ? PretrainedBodies.createUntrained(checkpoint, manager, dropout)
                : PretrainedBodies.create(checkpoint, manager, dropout);
        List<Long> in = spec.task.inputShape;
        long[] spatial = in.subList(1, in.size()).stream().mapToLong(Long::longValue).toArray();
        PatchGeometry geometry = PatchGeometry.of(spatial,
                Math.min(spec.embedder.targetSequenceLength, body.config().maxSequenceLength()));
        TaskEmbedder embedder = new TaskEmbedder(geometry, body.config().hidden(),
                spec.embedder.layerNorm == OrcaExperimentSpec.EmbedderLayerNorm.AFTER_POSITIONS
                        ? TaskEmbedder.Order.POSITIONS_THEN_NORM : TaskEmbedder.Order.NORM_THEN_POSITIONS);
        embedder.initialize(manager, DataType.FLOAT32, oneExample(spec));
        // The official embedder_init (utils.py:678-717): an embedder that is aligned starts from the body's embedding LayerNorm
        // (its projection as TaskEmbedder.initializeForAlignment says for its order), one that is not from small
        // truncated-normal weights and a unit LayerNorm.
        java.util.Random init = new java.util.Random(spec.seed);
        if (spec.mode.aligns()) {
            float[][] norm = body.embeddings().layerNorm();
            embedder.initializeForAlignment(init, norm[0], norm[1]);
        } else {
            embedder.initializePlain(init);
        }
        ParameterStore store = new ParameterStore(manager, false);
        embedder.initializePositions(body.embeddings().positionEmbeddings(store, manager, (int) geometry.tokens(), false).squeeze(0));
        Block head = spec.task.type == TaskType.DENSE ? new DenseHead(geometry, (int) (long) spec.task.outputShape.get(0)) : classifier(spec);
        OrcaModel model = new OrcaModel(embedder, body.encoder(), head);
        model.initialize(manager, DataType.FLOAT32, oneExample(spec));
        return new Architecture(model, embedder, (s, m) -> ProxySources.text(s, body, checkpoint, m));
    }

    private static Architecture vision(OrcaExperimentSpec spec, VisionCheckpoints.VisionCheckpoint checkpoint, NDManager manager,
                                       SeededDropout dropout) {
        List<Long> in = spec.task.inputShape;
        if (in.size() != 3) {
            throw new IllegalArgumentException("spec.task.inputShape: " + spec.body.checkpoint + " is a vision body and takes"
                    + " [C, H, W] inputs, got " + in);
        }
        VisionBody body = spec.mode == OrcaExperimentSpec.Mode.SCRATCH
                ? VisionCheckpoints.createUntrained(checkpoint, manager, dropout)
                : VisionCheckpoints.create(checkpoint, manager, dropout);
        int channels = (int) (long) in.get(0);
        int height = (int) (long) in.get(1);
        int width = (int) (long) in.get(2);
        VisionTaskEmbedder embedder = new VisionTaskEmbedder(checkpoint.config(), channels, height, width);
        embedder.initialize(manager, DataType.FLOAT32, oneExample(spec));
        // The official embedder_init (utils.py:678-717): aligned, the pretrained patch projection with its channels tiled and
        // its norm; not aligned, small truncated-normal weights (copying them would hand plain fine-tuning part of ORCA's start).
        if (spec.mode.aligns()) {
            embedder.embeddings().copyFrom(body.embeddings());
        } else {
            embedder.embeddings().initializePlain(new java.util.Random(spec.seed), body.embeddings());
        }
        Block head = spec.task.type == TaskType.DENSE
                ? new VisionDenseHead(checkpoint.config(), body.encoder().outputSide(), (int) (long) spec.task.outputShape.get(0), height, width)
                : classifier(spec);
        OrcaModel model = new OrcaModel(embedder, body.encoder(), head);
        model.initialize(manager, DataType.FLOAT32, oneExample(spec));
        return new Architecture(model, embedder, (s, m) -> ProxySources.cifar(s, body, m));
    }
}
