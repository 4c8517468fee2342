package dev.orca.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.search.PairedDifference;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token-construction benchmark's decision rule: a challenger must be better beyond the noise somewhere and worse nowhere. */
class TokenConstructionTest {

    private static final TokenConstruction.Setting TEN_TIMES = TokenConstruction.CHALLENGERS.get(0);
    private static final TokenConstruction.Setting BEFORE = TokenConstruction.CHALLENGERS.get(1);

    /** Paired validation differences challenger − default for three seeds, from per-seed shifts around {@code mean}. */
    private static PairedDifference shifted(double mean, double spread) {
        double[] base = {0.30, 0.25, 0.35};
        double[] challenger = {0.30 + mean - spread, 0.25 + mean, 0.35 + mean + spread};
        return PairedDifference.of(challenger, base);
    }

    private static TokenConstruction.Setting decide(List<PairedDifference> tenfold, List<PairedDifference> before) {
        Map<TokenConstruction.Setting, List<PairedDifference>> d = new LinkedHashMap<>();
        d.put(TEN_TIMES, tenfold);
        d.put(BEFORE, before);
        return TokenConstruction.decide(d);
    }

    @Test
    void theDefaultStaysWhenNoChallengerIsBetterBeyondTheNoise() {
        // Lower on average on both tasks, but every interval holds zero.
        assertEquals(TokenConstruction.DEFAULT, decide(List.of(shifted(-0.01, 0.03), shifted(-0.02, 0.05)),
                List.of(shifted(-0.005, 0.02), shifted(0.0, 0.01))));
    }

    @Test
    void aChallengerBetterBeyondTheNoiseOnOneTaskAndWorseNowhereWins() {
        assertEquals(BEFORE, decide(List.of(shifted(0.01, 0.03), shifted(0.0, 0.05)),
                List.of(shifted(-0.05, 0.002), shifted(0.01, 0.03))));
    }

    @Test
    void aChallengerWorseBeyondTheNoiseOnAnyTaskLoses() {
        assertEquals(TokenConstruction.DEFAULT, decide(List.of(shifted(-0.08, 0.002), shifted(0.03, 0.002)),
                List.of(shifted(0.0, 0.03), shifted(0.0, 0.03))));
    }

    @Test
    void ofTwoThatQualifyTheLowerAverageWins() {
        assertEquals(TEN_TIMES, decide(List.of(shifted(-0.06, 0.002), shifted(-0.01, 0.03)),
                List.of(shifted(-0.03, 0.002), shifted(-0.01, 0.03))));
    }

    @Test
    void theRateSettingsGiveTheEmbedderFineTuningsRateOrTheOfficialTenfold() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String task = "{\"finetune\": {\"optimizer\": {\"name\": \"adamw\", \"lr\": 1.0e-4}}}";
        var defaults = TokenConstruction.DEFAULT.apply((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(task));
        var tenfold = TEN_TIMES.apply((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(task));
        var before = BEFORE.apply((com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(task));
        assertEquals("afterPositions", defaults.at("/embedder/layerNorm").asText());
        assertEquals("orca", defaults.get("mode").asText());
        assertEquals("beforePositions", before.at("/embedder/layerNorm").asText());
        // Read back as the trainer reads it: the rate the embedder's optimizer gets.
        for (var c : List.of(new Object[] {defaults, 1.0e-4}, new Object[] {tenfold, 1.0e-3}, new Object[] {before, 1.0e-3})) {
            var spec = json.treeToValue((com.fasterxml.jackson.databind.JsonNode) c[0], dev.orca.crd.OrcaExperimentSpec.class);
            assertEquals((double) c[1], spec.alignment.optimizer(spec.finetune).lr, 1e-12, c[0].toString());
        }
    }

    @Test
    void reuseTakesAnEarlierRunOfTheSameSpecOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(
                "mode: orca\nseed: 1\ntask: { data: { trainFraction: 0.3 } }\nfinetune: { optimizer: { name: adamw, lr: 1.0e-4 } }\n");
        TEN_TIMES.apply(spec);
        assertEquals(null, Reproduction.earlierResult(spec, dir), "nothing ran there yet");
        yaml.writeValue(dir.resolve("experiment.yaml").toFile(), spec);   // as Reproduction.runFresh writes it
        var result = new dev.orca.trainer.run.ExperimentRun.Result("orca", "b", "zeroOneError", 0.2, 0.25, 4, 0.2,
                List.of(0.3, 0.25), List.of(9.0, 8.0), List.of(1.0), 1, 2,
                List.of(new dev.orca.trainer.task.TaskEmbedder.Statistics(0, 0.4, 0.001, 0.03)));
        dev.orca.trainer.io.AtomicFiles.writeJson(new dev.orca.trainer.run.RunDirectory(dir).result(), result);
        var earlier = Reproduction.earlierResult(spec, dir);
        assertEquals(0.25, earlier.validation());
        assertEquals(0.4, earlier.embedderTrace().get(0).convWeightNorm());
        assertEquals(null, Reproduction.earlierResult(spec.deepCopy().put("seed", 2), dir), "another seed runs afresh");
    }
}
