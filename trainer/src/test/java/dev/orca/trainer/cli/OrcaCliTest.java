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
            assertEquals(2, Orca.run(args[0], args));
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownOptionsAndMissingTrialSettingsAreRefused() throws Exception {
        assertTrue(stderrOf("run", "", "--outt", "x").contains("unknown option --outt"));
        assertTrue(stderrOf("trial", "", "--trial", "0", "--out", dir.resolve("t").toString()).contains("--rung is required"));
        assertTrue(stderrOf("trial", "", "--trial", "0", "--rung", "0", "--out", dir.resolve("t").toString())
                .contains("spec.search"), "a trial needs a search in the spec");
        assertTrue(stderrOf("align", "", "--candidate", "x").contains("--candidate must be a number"));
        assertFalse(Files.exists(dir.resolve("t/checkpoints")), "nothing was trained");
    }
}
