package dev.orca.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a checkpoint save does when the storage fails under it, and what a killed save leaves for the next one. */
class RunCheckpointStorageTest {
    private static final String STAGE = "finetune";

    @TempDir
    Path dir;

    private static Block model(NDManager m) {
        Block block = Linear.builder().setUnits(3).build();
        block.initialize(m, DataType.FLOAT32, new Shape(2, 4));
        return block;
    }

    private static RunCheckpoint.Progress after(int epochs) {
        return new RunCheckpoint.Progress(STAGE, epochs, epochs * 10L, 0, 0.5, null, null);
    }

    private static ParameterUpdater.State optimizer() {
        return new ParameterUpdater.State(7, Map.of("m.weight", new float[] {1, 2, 3}));
    }

    private List<String> generations() throws java.io.IOException {
        try (Stream<Path> g = Files.list(dir.resolve(STAGE))) {
            return g.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The disk fills while the optimizer's file is written (the file is {@code /dev/full}, which fails every write with
     * ENOSPC as a full volume does): an unchecked I/O error the trainer reports as retryable, naming the cause; the
     * half-written generation is gone and the complete ones are untouched, so a retry resumes from the last of them.
     */
    @Test
    void aFullDiskFailsTheSaveRetryablyAndLeavesTheCompleteGenerationsAsTheyWere() throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "a Linux /dev/full");
        try (NDManager m = NDManager.newBaseManager()) {
            Block model = model(m);
            RunCheckpoint checkpoint = new RunCheckpoint(dir);
            checkpoint.save(STAGE, model, optimizer(), after(1));
            checkpoint.save(STAGE, model, optimizer(), after(2));
            RunCheckpoint filling = new RunCheckpoint(dir, file -> {
                if (file.equals(RunCheckpoint.MODEL)) {
                    try {
                        Files.createSymbolicLink(dir.resolve(STAGE).resolve("g3").resolve(RunCheckpoint.OPTIMIZER), full);
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, warning -> { });
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> filling.save(STAGE, model, optimizer(), after(3)));
            assertTrue(e.getMessage().contains(RunCheckpoint.OPTIMIZER) && e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(List.of("g1", "g2"), generations(), "the partial g3 is removed, the complete ones stay");
            assertEquals(2, new RunCheckpoint(dir).load(STAGE, model(m)).progress().completedEpochs());
        }
    }

    /**
     * A pod killed mid-save leaves a generation without a manifest (here g2, and a stray g7): both go before the next
     * save writes a byte, so their space is free for it, and the numbering continues from the last complete one.
     */
    @Test
    void generationsLeftIncompleteByAKilledPodAreRemovedBeforeTheNextSaveWrites() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Block model = model(m);
            new RunCheckpoint(dir).save(STAGE, model, optimizer(), after(1));
            for (String g : List.of("g2", "g7")) {
                Files.createDirectories(dir.resolve(STAGE).resolve(g));
                Files.write(dir.resolve(STAGE).resolve(g).resolve(RunCheckpoint.MODEL), new byte[4096]);
            }
            boolean[] leftoversGoneFirst = {false};
            new RunCheckpoint(dir, file -> {
                if (file.equals(RunCheckpoint.MODEL)) {
                    try {
                        leftoversGoneFirst[0] = !Files.exists(dir.resolve(STAGE).resolve("g7"))
                                && Files.size(dir.resolve(STAGE).resolve("g2").resolve(RunCheckpoint.MODEL)) != 4096;
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, warning -> { }).save(STAGE, model, optimizer(), after(2));
            assertTrue(leftoversGoneFirst[0], "the incomplete generations were removed before the model was written");
            assertEquals(List.of("g1", "g2"), generations());
            assertEquals(2, new RunCheckpoint(dir).load(STAGE, model(m)).progress().completedEpochs());
            assertFalse(Files.exists(dir.resolve(STAGE).resolve("g7")));
        }
    }

    /**
     * Every restore checks the fingerprint each generation records: a newer generation written by another run (a
     * second writer in the same directory) is skipped, naming it, and this run resumes from its own.
     */
    @Test
    void aRestoreSkipsGenerationsOfAnotherRun() {
        String mine = "a".repeat(64);
        String theirs = "b".repeat(64);
        try (NDManager m = NDManager.newBaseManager()) {
            Block model = model(m);
            new RunCheckpoint(dir, mine).save(STAGE, model, optimizer(), after(1));
            new RunCheckpoint(dir, theirs).save(STAGE, model, optimizer(), after(5));
            List<String> warnings = new java.util.ArrayList<>();
            var restored = new RunCheckpoint(dir, mine, file -> { }, warnings::add).restore(STAGE, model(m));
            assertEquals(1, restored.orElseThrow().progress().completedEpochs(), "its own generation, not the newer foreign one");
            assertTrue(warnings.size() == 1 && warnings.get(0).contains("g2") && warnings.get(0).contains("another run's (fingerprint bbbbbbbbbbbb"),
                    warnings.toString());
            List<String> none = new java.util.ArrayList<>();
            assertTrue(new RunCheckpoint(dir, "c".repeat(64), file -> { }, none::add).restore(STAGE, model(m)).isEmpty(),
                    "a third run resumes from neither");
        }
    }
}
