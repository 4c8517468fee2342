package dev.orca.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.compare from the CLI: {@code orca run} runs the comparison after the experiment's own run and reports each gap in
 * comparison.json and report.html; {@code orca compare --comparison i} runs exactly one of its runs (as the operator's
 * Jobs do); {@code --own-run-only} leaves the comparison to those Jobs.
 */
class OrcaCompareTest {
    @TempDir
    Path dir;

    private static final String TINY = """
            task: { type: classification, inputShape: [16, 24], numClasses: 10, metric: zeroOneError,
                    data: { generator: { name: listops, samples: 40, resolution: 24 }, validationFraction: 0.2, testFraction: 0.2 } }
            body: { checkpoint: "bundled:all-minilm-l6-v2" }
            mode: finetune
            seed: 3
            finetune: { epochs: 1, batchSize: 8, schedule: { warmupEpochs: 0 } }
            compare: { modes: [scratch], seeds: 2 }
            """;

    private static int orca(String... args) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return Orca.run(args);
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void theCliRunsEveryModeOnEverySeedAndReportsTheGap() throws Exception {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY);
        Path out = dir.resolve("run");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, orca("run", yaml.toString(), "--out", out.toString()));

        JsonNode comparison = new ObjectMapper().readTree(out.resolve("comparison.json").toFile());
        assertEquals(4, comparison.get("runs").size(), "finetune and scratch on seeds 3 and 4");
        for (int i = 0; i < 3; i++) {
            assertTrue(Files.exists(out.resolve("compare/" + i + "/result.json")), "run " + i + " in a directory of its own");
        }
        JsonNode own = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(own.get("test").asDouble(), comparison.get("runs").get(0).get("test").asDouble(), 0, "the experiment's own run first");
        JsonNode gap = comparison.get("gaps").get(0);
        assertEquals("scratch", gap.get("mode").asText());
        assertEquals(2, gap.get("seeds").asInt());
        double expected = (comparison.get("runs").get(0).get("test").asDouble() - comparison.get("runs").get(2).get("test").asDouble()
                + comparison.get("runs").get(1).get("test").asDouble() - comparison.get("runs").get(3).get("test").asDouble()) / 2;
        assertEquals(expected, gap.get("mean").asDouble(), 1e-12, "seed by seed: finetune minus scratch");
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("Paired comparison") && report.contains("scratch") && report.trim().endsWith("</html>"));

        JsonNode run2 = new ObjectMapper().readTree(out.resolve("compare/2/result.json").toFile());
        assertEquals("scratch", run2.get("mode").asText(), "runs: (finetune, 4), (scratch, 3), (scratch, 4)");
    }

    @Test
    void theOperatorsCommandsRunOneRunEach() throws Exception {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY);
        Path own = dir.resolve("own");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, orca("run", yaml.toString(), "--out", own.toString(), "--own-run-only"));
        assertTrue(Files.exists(own.resolve("result.json")));
        assertFalse(Files.exists(own.resolve("comparison.json")), "the comparison's runs are the operator's Jobs");
        assertFalse(Files.exists(own.resolve("compare")));

        Path one = dir.resolve("cmp-0");
        assertEquals(dev.orca.crd.TrainerExit.SUCCEEDED, orca("compare", yaml.toString(), "--comparison", "0", "--out", one.toString()));
        assertEquals("finetune", new ObjectMapper().readTree(one.resolve("result.json").toFile()).get("mode").asText());
        assertEquals(dev.orca.crd.TrainerExit.INVALID_INPUT, orca("compare", yaml.toString(), "--comparison", "3", "--out",
                dir.resolve("cmp-3").toString()), "three runs: 0, 1 and 2");
    }
}
