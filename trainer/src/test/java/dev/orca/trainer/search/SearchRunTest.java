package dev.orca.trainer.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.TrainerStage;
import dev.orca.search.SearchSpace;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search trials, body-selection alignments and the CLI's sequential search on a tiny ListOps with real bodies. */
class SearchRunTest {

    @TempDir
    Path dir;

    @BeforeEach
    void privateCache() {
        System.setProperty("orca.cacheDir", dir.resolve("cache").toString());
    }

    @AfterEach
    void sharedCache() {
        System.clearProperty("orca.cacheDir");
    }

    private static final String SPEC = """
            task:
              type: classification
              inputShape: [16, 24]
              numClasses: 10
              metric: zeroOneError
              data:
                generator: { name: listops, samples: 48, resolution: 24, options: { maxDepth: "3", minLength: "6" } }
                validationFraction: 0.25
                testFraction: 0.25
            body: { checkpoint: bundled:all-minilm-l6-v2%s }
            mode: orca
            source: { dataset: "file:%s", samples: 60 }
            alignment: { metric: otdd-exact, epochs: 2, samplesPerClass: 6, epsilon: 1.0, optimizer: { name: adam, lr: 1.0e-3 } }
            finetune: { epochs: 2, batchSize: 8, optimizer: { name: adamw, lr: 1.0e-4, weightDecay: 0.01 } }
            search:
              trials: 2
              parallelism: 1
              reductionFactor: 2
              minEpochs: 1
              space: { optimizers: [adamw], learningRates: [1.0e-3, 1.0e-5], weightDecays: [0.0], batchSizes: [8] }
            seed: 5
            """;

    private OrcaExperimentSpec spec(String candidates) throws IOException {
        Path source = dir.resolve("source.npz");
        if (!Files.exists(source)) {
            dev.orca.trainer.run.ExperimentRunTestFixtures.writeSource(source, 60, 384, 3);
        }
        Path yaml = dir.resolve("experiment.yaml");
        Files.writeString(yaml, String.format(SPEC, candidates, source));
        return ExperimentFiles.read(yaml);
    }

    /**
     * A promotion resumes the trial from its rung-0 checkpoint and trains only the missing epoch, and what it reports
     * equals a run that trained both epochs in one go: rung results are those of the full schedule. The test split is
     * never measured.
     */
    @Test
    void aPromotedTrialResumesAndEqualsAnUninterruptedRun() throws IOException {
        OrcaExperimentSpec trial = DerivedSpecs.trial(spec(""), 0, null);
        assertEquals(OrcaExperimentSpec.Mode.FINETUNE, trial.mode, "trials tune the setting without alignment");
        assertEquals(2, trial.finetune.epochs, "the schedule spans the top rung");
        assertEquals(new SearchSpace(spec("")).config(0).lr(), trial.finetune.optimizer.lr);

        List<ProgressEvent> first = new ArrayList<>();
        List<ProgressEvent> second = new ArrayList<>();
        Path t = dir.resolve("t0");
        ExperimentRun.TrialResult rung0 = ExperimentRun.trial(trial, 1, t, first::add);
        ExperimentRun.TrialResult rung1 = ExperimentRun.trial(trial, 2, t, second::add);
        ExperimentRun.TrialResult straight = ExperimentRun.trial(trial, 2, dir.resolve("straight"), e -> { });

        assertEquals(1, rung0.validation().size());
        assertEquals(rung0.at(1), rung1.at(1), 0, "the rung-0 figure is kept across the promotion");
        assertEquals(straight.validation(), rung1.validation(), "resumed rung == uninterrupted run");
        assertEquals(1, second.stream().filter(e -> e.stage() == TrainerStage.FINE_TUNING && e.epoch() != null).count(),
                "the promotion trained one epoch, not two");
        assertTrue(second.stream().anyMatch(e -> e.stage() == TrainerStage.FINE_TUNING && "validation".equals(e.split())));
        for (List<ProgressEvent> events : List.of(first, second)) {
            assertTrue(events.stream().noneMatch(e -> "test".equals(e.split())), "a trial never measures the test split");
        }
    }

    @Test
    void theCliSelectsTheBodyThenSearchesThenRunsTheBest() throws IOException {
        OrcaExperimentSpec spec = spec(", candidates: [bundled:all-minilm-l6-v2, bundled:bge-small-en-v1.5]");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalSearch local = new LocalSearch(new PrintStream(log, true, StandardCharsets.UTF_8), label -> e -> { });
        LocalSearch.Selection selection = local.selectBody(spec, dir.resolve("out"));
        assertEquals(2, selection.candidates().size());
        assertTrue(selection.candidates().stream().allMatch(c -> c.otdd() != null && Double.isFinite(c.otdd())));
        assertNotEquals(selection.candidates().get(0).otdd(), selection.candidates().get(1).otdd(), "different bodies, different distances");
        int chosen = selection.chosen().orElseThrow();
        assertTrue(selection.candidates().get(chosen).otdd() <= selection.candidates().get(1 - chosen).otdd());

        String body = spec.body.candidates.get(chosen);
        LocalSearch.Search search = local.search(spec, body, dir.resolve("out"));
        assertEquals(List.of(1, 2), search.rungs());
        // Two trials at rung 0 (1 epoch); ⌊2/2⌋ = 1 is promoted to rung 1 (2 epochs): the better one.
        assertEquals(2, search.table().size());
        var best = search.best().orElseThrow();
        assertEquals(2, best.results().size());
        var other = search.table().get(1 - best.id());
        assertTrue(best.results().get(0) <= other.results().get(0));
        assertTrue(Files.exists(dir.resolve("out/trials/t" + best.id() + "/trial.json")));
        var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("out/search.json").toFile());
        assertEquals(best.id(), summary.get("best").asInt());
        assertEquals("Completed", summary.get("trials").get(best.id()).get("state").asText());
        assertEquals("Stopped", summary.get("trials").get(1 - best.id()).get("state").asText());

        OrcaExperimentSpec resolved = DerivedSpecs.resolved(spec, body, best.id());
        assertEquals(body, resolved.body.checkpoint);
        assertEquals(OrcaExperimentSpec.Mode.ORCA, resolved.mode);
        assertEquals(new SearchSpace(spec).config(best.id()).lr(), resolved.finetune.optimizer.lr);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("body selection"));
    }
}
