package dev.orca.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.ot.OtddMetric;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.OtddSource;
import dev.orca.trainer.train.Losses;
import dev.orca.trainer.train.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code orca} command. {@code orca demo} runs, on the bundled MiniLM body and a handful of real
 * sentences, the pieces of ORCA that exist so far: the pretrained body (stage 1), OTDD between embedded
 * datasets (stage 2's objective), and fine-tuning steps of the whole body with a classification head
 * (stage 3). {@code orca run experiment.yaml} arrives with the workflow.
 */
public final class Orca {

    private static final List<String> POSITIVE = List.of(
            "What a wonderful, moving performance.", "I loved every minute of this film.",
            "A delightful and clever story.", "The cast is superb and the music is beautiful.",
            "Warm, funny and full of heart.", "An absolute joy from start to finish.");
    private static final List<String> NEGATIVE = List.of(
            "A dull, tedious waste of time.", "I hated the clumsy plot.", "The acting is wooden and flat.",
            "Boring, predictable and far too long.", "A mess of a film with no redeeming qualities.",
            "I walked out halfway through.");

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "demo" -> demo();
            case "run" -> System.exit(run(args));
            default -> {
                System.out.println("usage: orca demo | orca run <experiment.yaml>");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }

    /** {@code orca run experiment.yaml [--out DIR]}: exit 0 on success, 1 on a failed run, 2 on bad input. */
    private static int run(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: orca run <experiment.yaml> [--out <directory>]");
            return 2;
        }
        java.nio.file.Path file = java.nio.file.Path.of(args[1]);
        java.nio.file.Path out = args.length >= 4 && args[2].equals("--out") ? java.nio.file.Path.of(args[3])
                : java.nio.file.Path.of("runs", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        dev.orca.crd.OrcaExperimentSpec spec;
        try {
            spec = dev.orca.trainer.run.ExperimentFiles.read(file);
        } catch (dev.orca.trainer.run.ExperimentFiles.InvalidExperiment e) {
            System.err.println("orca: " + e.getMessage());
            return 2;
        }
        try (dev.orca.trainer.progress.ConsoleSink console = dev.orca.trainer.progress.ConsoleSink.forStdout();
             dev.orca.trainer.progress.JsonLinesSink jsonl = new dev.orca.trainer.progress.JsonLinesSink(out.resolve("progress.jsonl"))) {
            dev.orca.trainer.progress.ProgressSink both = event -> {
                console.accept(event);
                jsonl.accept(event);
            };
            try {
                var result = dev.orca.trainer.run.ExperimentRun.run(spec, out, both);
                System.out.printf("%s on %s: test %s = %.4f (validation %.4f); results in %s%n", result.mode(), result.body(),
                        result.metric(), result.test(), result.validation(), out.resolve("result.json"));
                return 0;
            } catch (IllegalArgumentException e) {
                both.accept(dev.orca.trainer.progress.ProgressEvent.of(dev.orca.trainer.progress.ProgressEvent.Stage.FAILED, e.getMessage()));
                System.err.println("orca: " + e.getMessage());
                return 2;
            } catch (RuntimeException e) {
                both.accept(dev.orca.trainer.progress.ProgressEvent.of(dev.orca.trainer.progress.ProgressEvent.Stage.FAILED, e.toString()));
                System.err.println("orca: run failed: " + e.getMessage());
                return 1;
            }
        }
    }

    private static void demo() {
        long start = System.nanoTime();
        BodyCheckpoint checkpoint = BodyCheckpoints.load(BodyCheckpoints.DEFAULT);
        System.out.printf("stage 1  body %s: %d layers, hidden %d, %d heads, max sequence %d (engine %s)%n",
                BodyCheckpoints.DEFAULT, checkpoint.config().layers(), checkpoint.config().hidden(),
                checkpoint.config().heads(), checkpoint.config().maxSequenceLength(), Engine.getInstance().getEngineName());
        List<String> sentences = new ArrayList<>(POSITIVE);
        sentences.addAll(NEGATIVE);
        int[] labels = new int[sentences.size()];
        for (int i = POSITIVE.size(); i < labels.length; i++) {
            labels[i] = 1;
        }
        try (NDManager manager = NDManager.newBaseManager();
             HuggingFaceTokenizer tokenizer = PretrainedBodies.tokenizer(checkpoint, 64)) {
            Engine.getInstance().setRandomSeed(0);
            TextBody body = PretrainedBodies.create(checkpoint, manager);
            Encoding[] encodings = tokenizer.batchEncode(sentences);
            long[][] ids = new long[encodings.length][];
            long[][] mask = new long[encodings.length][];
            for (int i = 0; i < encodings.length; i++) {
                ids[i] = encodings[i].getIds();
                mask[i] = encodings[i].getAttentionMask();
            }
            NDArray idArray = manager.create(ids);
            NDArray maskArray = manager.create(mask);
            NDArray maskFloat = maskArray.toType(DataType.FLOAT32, false).expandDims(-1);
            ParameterStore store = new ParameterStore(manager, false);

            // Stage 2's objective: OTDD between the two halves of the sentences, embedded by the pretrained layer.
            NDArray tokens = body.embeddings().forward(store, new NDList(idArray), false).singletonOrThrow();
            NDArray pooled = tokens.mul(maskFloat).sum(new int[] {1}).div(maskFloat.sum(new int[] {1}));
            OtddSource source = OtddSource.prepare(pooled, labels, OtddOptions.DEFAULT);
            double self = Scalars.value(new OtddMetric(source).distance(pooled, labels));
            int[] mixed = new int[labels.length];
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] = i % 2; // each class now holds half positive, half negative sentences
            }
            double crossed = Scalars.value(new OtddMetric(source).distance(pooled, mixed));
            System.out.printf("stage 2  OTDD(sentiment data, itself) = %.4f; to the same sentences with mixed labels = %.4f%n",
                    self, crossed);

            // Stage 3: fine-tune the whole body with a mean-pool + linear head.
            Linear head = Linear.builder().setUnits(2).build();
            head.initialize(manager, DataType.FLOAT32, new Shape(1, checkpoint.config().hidden()));
            List<Parameter> params = new ArrayList<>();
            body.getParameters().forEach(p -> params.add(p.getValue()));
            head.getParameters().forEach(p -> params.add(p.getValue()));
            Optimizer updater = new Optimizer(Optimizer.Kind.ADAMW, params, 0.01, 0);
            NDArray target = manager.create(labels);
            for (int step = 1; step <= 8; step++) {
                double value;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray hidden = body.forward(store, new NDList(idArray, maskArray), true).singletonOrThrow();
                        NDArray mean = hidden.mul(maskFloat).sum(new int[] {1}).div(maskFloat.sum(new int[] {1}));
                        NDArray logits = head.forward(store, new NDList(mean), true).singletonOrThrow();
                        NDArray nll = Losses.crossEntropy(logits, target);
                        gc.backward(nll);
                        value = Scalars.value(nll);
                    }
                }
                updater.step(5e-5);
                System.out.printf("stage 3  fine-tuning step %d: cross-entropy %.4f%n", step, value);
            }
        }
        System.out.printf("done in %.1f s. The full ORCA workflow (`orca run`) is the next milestone.%n",
                (System.nanoTime() - start) / 1e9);
    }
}
