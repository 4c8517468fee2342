package dev.orca.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.orca.trainer.nn.SeededDropout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FineTuningTest {

    /** Dropout as a block, so the resumed run must also continue the dropout stream. */
    static final class DropoutBlock extends AbstractBlock {
        private final SeededDropout dropout;

        DropoutBlock(SeededDropout dropout) {
            this.dropout = dropout;
        }

        @Override
        protected NDList forwardInternal(ParameterStore s, NDList in, boolean training, PairList<String, Object> p) {
            return new NDList(dropout.apply(in.singletonOrThrow(), 0.2f, training));
        }

        @Override
        public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] in) {
            return in;
        }
    }

    private static SequentialBlock model(NDManager m, int initSeed, SeededDropout dropout) {
        Engine.getInstance().setRandomSeed(initSeed);
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation::relu)
                .add(new DropoutBlock(dropout))
                .add(Linear.builder().setUnits(3).build());
        block.initialize(m, DataType.FLOAT32, new Shape(1, 6));
        return block;
    }

    private static List<Parameter> parameters(SequentialBlock b) {
        List<Parameter> out = new ArrayList<>();
        b.getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    private static final FineTuning.Settings SETTINGS =
            new FineTuning.Settings(6, 8, 2, ParameterUpdater.Kind.ADAMW, 0.01, 0.01, 0, new double[] {0.9, 0.999}, 1.0, 1, 6, 11);

    private static NDArray[] data(NDManager m) {
        Engine.getInstance().setRandomSeed(5);
        NDArray x = m.randomNormal(new Shape(50, 6));
        NDArray y = x.get(":, 0").gt(0).toType(DataType.INT64, false).add(x.get(":, 1").gt(0).toType(DataType.INT64, false));
        return new NDArray[] {x, y};
    }

    @Test
    void crashedAndResumedRunEndsWithTheUninterruptedWeights(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            SeededDropout straightDropout = new SeededDropout(3);
            SequentialBlock straight = model(m, 1, straightDropout);
            List<Double> losses = new FineTuning(straight, parameters(straight), Losses::crossEntropy, SETTINGS,
                    new RunCheckpoint(dir.resolve("a")), straightDropout, null).run(d[0], d[1]);
            assertEquals(6, losses.size());
            assertTrue(losses.get(5) < losses.get(0), "the task loss falls: " + losses);

            // Second run: the pod dies in the middle of epoch 4 (batch 3 of 7).
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock crashing = model(m, 1, dropout);
            AtomicInteger calls = new AtomicInteger();
            FineTuning.LossFunction dying = (out, target) -> {
                if (calls.incrementAndGet() == 3 * 7 + 3) {
                    throw new IllegalStateException("SIGKILL");
                }
                return Losses.crossEntropy(out, target);
            };
            RunCheckpoint checkpoint = new RunCheckpoint(dir.resolve("b"));
            assertThrows(IllegalStateException.class,
                    () -> new FineTuning(crashing, parameters(crashing), dying, SETTINGS, checkpoint, dropout, null).run(d[0], d[1]));

            // The restarted pod builds everything anew (other initial weights, fresh dropout) and resumes.
            SeededDropout freshDropout = new SeededDropout(3);
            SequentialBlock resumed = model(m, 99, freshDropout);
            List<Double> rest = new FineTuning(resumed, parameters(resumed), Losses::crossEntropy, SETTINGS, checkpoint,
                    freshDropout, null).run(d[0], d[1]);
            assertEquals(3, rest.size(), "epochs 4..6 only");
            for (int i = 0; i < parameters(straight).size(); i++) {
                assertArrayEquals(parameters(straight).get(i).getArray().toFloatArray(),
                        parameters(resumed).get(i).getArray().toFloatArray(), "parameter " + i);
            }
            assertEquals(losses.get(5), rest.get(2), 1e-9);
        }
    }

    /** A crash at each point of a checkpoint save (after each file), then a resume: the uninterrupted run's weights. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {RunCheckpoint.MODEL, RunCheckpoint.OPTIMIZER, RunCheckpoint.PROGRESS})
    void aCrashInsideACheckpointSaveResumesFromThePreviousOne(String crashAfter, @TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            SeededDropout straightDropout = new SeededDropout(3);
            SequentialBlock straight = model(m, 1, straightDropout);
            new FineTuning(straight, parameters(straight), Losses::crossEntropy, SETTINGS, new RunCheckpoint(dir.resolve("a")),
                    straightDropout, null).run(d[0], d[1]);

            // The pod dies while saving epoch 4's checkpoint, after crashAfter is in place and before the manifest.
            AtomicInteger saves = new AtomicInteger();
            List<String> warnings = new ArrayList<>();
            RunCheckpoint crashing = new RunCheckpoint(dir.resolve("b"), file -> {
                if (file.equals(RunCheckpoint.MANIFEST)) {
                    saves.incrementAndGet();
                } else if (file.equals(crashAfter) && saves.get() == 3) {
                    throw new IllegalStateException("SIGKILL after " + file);
                }
            }, warnings::add);
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock first = model(m, 1, dropout);
            assertThrows(IllegalStateException.class,
                    () -> new FineTuning(first, parameters(first), Losses::crossEntropy, SETTINGS, crashing, dropout, null).run(d[0], d[1]));

            RunCheckpoint restarted = new RunCheckpoint(dir.resolve("b"), file -> { }, warnings::add);
            SeededDropout freshDropout = new SeededDropout(3);
            SequentialBlock resumed = model(m, 99, freshDropout);
            List<Double> rest = new FineTuning(resumed, parameters(resumed), Losses::crossEntropy, SETTINGS, restarted,
                    freshDropout, null).run(d[0], d[1]);
            assertEquals(3, rest.size(), "epoch 4's checkpoint never completed: epochs 4..6 run again");
            for (int i = 0; i < parameters(straight).size(); i++) {
                assertArrayEquals(parameters(straight).get(i).getArray().toFloatArray(),
                        parameters(resumed).get(i).getArray().toFloatArray(), "parameter " + i);
            }
        }
    }

    /** Bit rot or a truncated copy of the newest generation: detected by its manifest, the one before it is used. */
    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws java.io.IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            FineTuning.Settings three = new FineTuning.Settings(3, 8, 2, ParameterUpdater.Kind.ADAMW, 0.01, 0.01, 0, new double[] {0.9, 0.999}, 1.0, 1, 3, 11);
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock model = model(m, 1, dropout);
            new FineTuning(model, parameters(model), Losses::crossEntropy, three, new RunCheckpoint(dir), dropout, null).run(d[0], d[1]);
            Path stage = dir.resolve(FineTuning.STAGE);
            try (var gens = java.nio.file.Files.list(stage)) {
                assertEquals(List.of("g2", "g3"), gens.map(p -> p.getFileName().toString()).sorted().toList(), "the newest two are kept");
            }
            Path newest = stage.resolve("g3").resolve(RunCheckpoint.MODEL);
            byte[] bytes = java.nio.file.Files.readAllBytes(newest);
            java.nio.file.Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length - 100));
            List<String> warnings = new ArrayList<>();
            RunCheckpoint.Restored restored = new RunCheckpoint(dir, f -> { }, warnings::add)
                    .load(FineTuning.STAGE, model(m, 5, new SeededDropout(3)));
            assertEquals(2, restored.progress().completedEpochs());
            assertTrue(warnings.size() == 1 && warnings.get(0).contains("g3") && warnings.get(0).contains(RunCheckpoint.MODEL), warnings.toString());
        }
    }

    /**
     * The best-validated epoch (the latest among equal figures, as the official code keeps it) is what
     * {@code restoreBestValidated} loads, also when the pod died after it and the run resumed; the validation curve
     * spans the whole run.
     */
    @Test
    void theBestValidatedEpochSurvivesARestartAndIsRestored(@TempDir Path dir) {
        double[] figures = {0.5, 0.2, 0.3, 0.2, 0.4, 0.6}; // epoch 4 ties epoch 2 and is later: epoch 4 is kept
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock model = model(m, 1, dropout);
            List<float[]> atEpoch = new ArrayList<>();
            AtomicInteger epoch = new AtomicInteger();
            FineTuning.EpochValidation scripted = new FineTuning.EpochValidation("zeroOneError", () -> {
                atEpoch.add(parameters(model).get(0).getArray().toFloatArray());
                return figures[epoch.getAndIncrement()];
            });
            RunCheckpoint checkpoint = new RunCheckpoint(dir);
            // The pod dies in epoch 6, after epoch 4 was kept and epoch 5 was not.
            AtomicInteger batches = new AtomicInteger();
            FineTuning.LossFunction dying = (out, target) -> {
                if (batches.incrementAndGet() == 5 * 7 + 2) {
                    throw new IllegalStateException("SIGKILL");
                }
                return Losses.crossEntropy(out, target);
            };
            assertThrows(IllegalStateException.class, () -> new FineTuning(model, parameters(model), dying, SETTINGS,
                    checkpoint, dropout, null).keepBestValidated(scripted).run(d[0], d[1]));
            assertEquals(5, epoch.get());

            SeededDropout fresh = new SeededDropout(3);
            SequentialBlock resumed = model(m, 99, fresh);
            FineTuning.EpochValidation rest = new FineTuning.EpochValidation("zeroOneError", () -> figures[epoch.getAndIncrement()]);
            FineTuning tuning = new FineTuning(resumed, parameters(resumed), Losses::crossEntropy, SETTINGS, checkpoint, fresh, null)
                    .keepBestValidated(rest);
            assertEquals(1, tuning.run(d[0], d[1]).size(), "epoch 6 only");
            assertEquals(List.of(0.5, 0.2, 0.3, 0.2, 0.4, 0.6), tuning.validationCurve());
            float[] last = parameters(resumed).get(0).getArray().toFloatArray();
            assertEquals(4, tuning.restoreBestValidated().orElseThrow());
            float[] restored = parameters(resumed).get(0).getArray().toFloatArray();
            assertArrayEquals(atEpoch.get(3), restored, "epoch 4's weights");
            assertTrue(!java.util.Arrays.equals(last, restored), "the last epoch's weights differ from epoch 4's");
        }
    }

    @Test
    void withoutAFiniteValidationFigureNothingIsRestored(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock model = model(m, 1, dropout);
            FineTuning tuning = new FineTuning(model, parameters(model), Losses::crossEntropy, SETTINGS, new RunCheckpoint(dir),
                    dropout, null).keepBestValidated(new FineTuning.EpochValidation("nll", () -> Double.NaN));
            tuning.run(d[0], d[1]);
            float[] last = parameters(model).get(0).getArray().toFloatArray();
            assertTrue(tuning.restoreBestValidated().isEmpty());
            assertArrayEquals(last, parameters(model).get(0).getArray().toFloatArray());
        }
    }

    @Test
    void nanLossStopsNamingTheEpochAndKeepsTheCheckpoint(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            SeededDropout dropout = new SeededDropout(3);
            SequentialBlock model = model(m, 1, dropout);
            AtomicInteger calls = new AtomicInteger();
            FineTuning.LossFunction poisoned = (out, target) -> calls.incrementAndGet() > 7
                    ? Losses.crossEntropy(out, target).mul(m.full(new Shape(), Float.NaN))
                    : Losses.crossEntropy(out, target);
            RunCheckpoint checkpoint = new RunCheckpoint(dir);
            FineTuning.NonFiniteLoss e = assertThrows(FineTuning.NonFiniteLoss.class,
                    () -> new FineTuning(model, parameters(model), poisoned, SETTINGS, checkpoint, dropout, null).run(d[0], d[1]));
            assertTrue(e.getMessage().contains("epoch 2") && e.getMessage().contains("NaN"), e.getMessage());
            SequentialBlock reloaded = model(m, 7, new SeededDropout(3));
            assertEquals(1, checkpoint.load(FineTuning.STAGE, reloaded).progress().completedEpochs());
        }
    }

    @Test
    void settingsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FineTuning.Settings(0, 8, 1, ParameterUpdater.Kind.SGD, 0.1, 0, 0, new double[] {0.9, 0.999}, 0, 0, 1, 1));
        assertTrue(e.getMessage().contains("finetune.epochs"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new FineTuning.Settings(3, 8, 1, ParameterUpdater.Kind.SGD, -1, 0, 0, new double[] {0.9, 0.999}, 0, 0, 3, 1)).getMessage().contains("lr"));
    }

    /** Records whether each forward pass ran with bf16 products, and whether it was a training pass. */
    static final class PrecisionProbe extends AbstractBlock {
        final List<String> passes = new ArrayList<>();

        @Override
        protected NDList forwardInternal(ParameterStore s, NDList in, boolean training, PairList<String, Object> p) {
            passes.add((training ? "train" : "eval") + (dev.orca.trainer.nd.Autocast.bf16Active() ? " bf16" : " fp32"));
            return in;
        }

        @Override
        public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] in) {
            return in;
        }
    }

    @Test
    void bf16SettingsRunTheTrainingPassesInABf16ScopeAndValidationOutsideIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] d = data(m);
            PrecisionProbe probe = new PrecisionProbe();
            SequentialBlock model = new SequentialBlock().add(probe).add(Linear.builder().setUnits(3).build());
            model.initialize(m, DataType.FLOAT32, new Shape(1, 6));
            FineTuning.Settings bf16 = new FineTuning.Settings(2, 25, 1, ParameterUpdater.Kind.ADAMW, 0.01, 0, 0,
                    new double[] {0.9, 0.999}, 0, 0, 2, 11, true);
            ParameterStore store = new ParameterStore(m, false);
            new FineTuning(model, parameters(model), Losses::crossEntropy, bf16, null, null, null)
                    .validateEachEpoch(new FineTuning.EpochValidation("loss", () -> {
                        model.forward(store, new NDList(d[0]), false);
                        return 0;
                    }))
                    .run(d[0], d[1]);
            assertEquals(List.of("train bf16", "train bf16", "eval fp32", "train bf16", "train bf16", "eval fp32"), probe.passes);
            assertTrue(!dev.orca.trainer.nd.Autocast.bf16Active(), "the scope ends with the step");

            probe.passes.clear();
            new FineTuning(model, parameters(model), Losses::crossEntropy, SETTINGS, null, null, null).stopAfter(1).run(d[0], d[1]);
            assertTrue(probe.passes.stream().allMatch("train fp32"::equals), "fp32 settings: " + probe.passes);
        }
    }
}
