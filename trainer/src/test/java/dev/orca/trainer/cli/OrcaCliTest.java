package dev.orca.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line refuses what it cannot mean before it loads anything, exit code 2, naming the option. */
class OrcaCliTest {
    @TempDir
    Path dir;

    private String stderrOf(String... args) throws Exception {
        Path yaml = dir.resolve("e.yaml");
        Files.writeString(yaml, """
                task: { type: classification, inputShape: [16, 24], numClasses: 10, metric: zeroOneError,
                        data: { generator: { name: listops, samples: 40, resolution: 24 } } }
                mode: finetune
                finetune: { epochs: 1, batchSize: 8 }
                """);
        args[1] = yaml.toString();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Orca.run(args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** A header that claims 2^31 - 2 values in a 20-byte file: one line naming the file, the invalid-input code, no OOM. */
    @Test
    void aHostileDataFileIsOneLineNamingItAndTheInvalidInputCode() throws Exception {
        Path bad = dir.resolve("bad.idx");
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(20);
        header.putShort((short) 0).put((byte) 0x08).put((byte) 2).putInt(Integer.MAX_VALUE - 1).putInt(1).putInt(0);
        Files.write(bad, header.array());
        Path yaml = dir.resolve("files.yaml");
        Files.writeString(yaml, """
                task: { type: classification, inputShape: [1, 1], numClasses: 2, metric: zeroOneError,
                        data: { files: { train: %s, trainLabels: %s, format: idx } } }
                mode: finetune
                """.formatted(bad, bad));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Orca.run(new String[] {"run", yaml.toString(), "--out", dir.resolve("out").toString()});
        } finally {
            System.setErr(err);
        }
        String said = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(dev.orca.crd.TrainerExit.INVALID_INPUT, code, said);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.startsWith("orca: ") && said.contains(bad.toString()) && said.contains("header declares"), said);
    }

    @Test
    void unknownOptionsAndMissingTrialSettingsAreRefused() throws Exception {
        String unknown = stderrOf("run", "", "--outt", "x");
        assertTrue(unknown.contains("Unknown option") && unknown.contains("--outt"), unknown);
        assertTrue(stderrOf("run", "", "--rung", "1").contains("run takes no --rung"));
        assertTrue(stderrOf("align", "", "--candidate", "1", "--out", "x", "--body", "b").contains("align takes no --body"));
        assertTrue(stderrOf("trial", "", "--trial", "0", "--out", dir.resolve("t").toString()).contains("--rung is required"));
        assertTrue(stderrOf("trial", "", "--trial", "0", "--rung", "0", "--out", dir.resolve("t").toString())
                .contains("spec.search"), "a trial needs a search in the spec");
        String notANumber = stderrOf("align", "", "--candidate", "x");
        assertTrue(notANumber.contains("--candidate") && notANumber.contains("'x' is not an int"), notANumber);
        assertFalse(Files.exists(dir.resolve("t/checkpoints")), "nothing was trained");
    }

    /** What the operator writes (dev.orca.crd.TrainerCommand.args) the CLI reads back as the same command. */
    @Test
    void theOperatorsCommandLinesParseBackToTheSameCommand() {
        for (dev.orca.crd.TrainerCommand c : java.util.List.of(
                dev.orca.crd.TrainerCommand.run("/etc/orca/experiment.yaml", "/data/x", null, null, false),
                dev.orca.crd.TrainerCommand.run("s", "o", "bundled:e5-small-v2", 3, false),
                dev.orca.crd.TrainerCommand.run("s", "o", null, null, true),
                dev.orca.crd.TrainerCommand.trial("s", "o/trials/t4", 4, 2, "file:/m"),
                dev.orca.crd.TrainerCommand.align("s", "o/bodies/1", 1),
                dev.orca.crd.TrainerCommand.compare("s", "o/compare/2", 2))) {
            assertEquals(c, Orca.parse(c.args().toArray(String[]::new)).command());
        }
    }

    private record Outcome(int code, String stderr) {}

    private static Outcome orca(String... args) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return new Outcome(Orca.run(args), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
    }

    /**
     * A directory holding someone's files and no run is refused (invalid input, naming --out and what is there, nothing
     * written into it) unless --force; a file as --out is refused even then.
     */
    @Test
    void aNonEmptyDirectoryThatIsNoRunIsRefusedUnlessForced() throws Exception {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, """
                task: { type: classification, inputShape: [16, 24], numClasses: 10, metric: zeroOneError,
                        data: { generator: { name: listops, samples: 40, resolution: 24 } } }
                body: { checkpoint: "bundled:all-minilm-l6-v2" }
                mode: finetune
                finetune: { epochs: 1, batchSize: 8 }
                """);
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "\\documentclass{article}");
        Outcome refused = orca("run", yaml.toString(), "--out", home.toString());
        assertEquals(dev.orca.crd.TrainerExit.INVALID_INPUT, refused.code(), refused.stderr());
        assertTrue(refused.stderr().contains("--out") && refused.stderr().contains("thesis.tex") && refused.stderr().contains("--force"),
                refused.stderr());
        try (var left = Files.list(home)) {
            assertEquals(java.util.List.of("thesis.tex"), left.map(p -> p.getFileName().toString()).toList(), "nothing written");
        }

        Outcome forced = orca("run", yaml.toString(), "--out", home.toString(), "--force");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, forced.code(), forced.stderr());
        assertTrue(Files.exists(home.resolve("thesis.tex")) && Files.exists(home.resolve("result.json")));
        Outcome again = orca("run", yaml.toString(), "--out", home.toString());
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, again.code(), "a directory holding a run is a run's: " + again.stderr());

        Outcome file = orca("run", yaml.toString(), "--out", home.resolve("thesis.tex").toString(), "--force");
        assertEquals(dev.orca.crd.TrainerExit.INVALID_INPUT, file.code(), file.stderr());
        assertTrue(file.stderr().contains("is a file"), file.stderr());
    }

    /** Generator sizes beyond the heap: invalid input naming the fields, before anything is allocated or written. */
    @Test
    void aGeneratorBeyondTheHeapIsInvalidInputNamingItsFields() throws Exception {
        Path yaml = dir.resolve("huge.yaml");
        Files.writeString(yaml, """
                task: { type: classification, inputShape: [16, 65536], numClasses: 10, metric: zeroOneError,
                        data: { generator: { name: listops, samples: 10000000, resolution: 65536 } } }
                mode: finetune
                """);
        Outcome huge = orca("run", yaml.toString(), "--out", dir.resolve("huge").toString());
        assertEquals(dev.orca.crd.TrainerExit.INVALID_INPUT, huge.code(), huge.stderr());
        assertTrue(huge.stderr().contains("spec.task.data.generator.samples (10000000) x resolution (65536)"), huge.stderr());
        assertFalse(Files.exists(dir.resolve("huge/checkpoints")));
    }
}
