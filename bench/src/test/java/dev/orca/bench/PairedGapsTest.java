package dev.orca.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.trainer.run.ExperimentRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairedGapsTest {

    private static List<ExperimentRun.Result> runs(String mode, double... tests) {
        return java.util.Arrays.stream(tests).mapToObj(t -> new ExperimentRun.Result(mode, "b", "relativeL2", t, t, 1, t,
                List.of(), List.of(), List.of(), 0, 0, List.of())).toList();
    }

    @Test
    void eachAligningModeIsPairedSeedBySeedWithItsModeWithoutAlignment() {
        Map<String, List<ExperimentRun.Result>> byMode = new LinkedHashMap<>();
        // Unpaired, the two modes' spreads (0.10 to 0.30) overlap; paired, orca is 0.02 lower on every seed.
        byMode.put("orca", runs("orca", 0.10, 0.18, 0.28));
        byMode.put("finetune", runs("finetune", 0.12, 0.20, 0.30));
        byMode.put("orca-layernorm", runs("orca-layernorm", 0.40, 0.20, 0.35));
        byMode.put("finetune-layernorm", runs("finetune-layernorm", 0.30, 0.30, 0.30));
        byMode.put("scratch", runs("scratch", 0.5, 0.5, 0.5));
        List<String> rows = PairedGaps.rows("darcy", byMode);

        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(0).startsWith("| darcy | orca − finetune | -0.0200, -0.0200, -0.0200 | -0.0200 ± 0.0000 |"), rows.get(0));
        assertTrue(rows.get(0).endsWith("| yes |\n"), rows.get(0));
        assertTrue(rows.get(1).contains("| orca-layernorm − finetune-layernorm | +0.1000, -0.1000, +0.0500 |"), rows.get(1));
        assertTrue(rows.get(1).endsWith("| not resolved |\n"), rows.get(1));
    }

    @Test
    void aModeWithoutItsCounterpartOrWithOtherSeedsGivesNoRow() {
        Map<String, List<ExperimentRun.Result>> byMode = new LinkedHashMap<>();
        byMode.put("orca", runs("orca", 0.1, 0.2));
        assertEquals(List.of(), PairedGaps.rows("t", byMode));
        byMode.put("finetune", runs("finetune", 0.1, 0.2, 0.3));
        assertEquals(List.of(), PairedGaps.rows("t", byMode), "three fine-tuning seeds do not pair with two");
    }

    @Test
    void worseBeyondTheNoiseSaysSo() {
        Map<String, List<ExperimentRun.Result>> byMode = new LinkedHashMap<>();
        byMode.put("orca", runs("orca", 0.5, 0.6, 0.55));
        byMode.put("finetune", runs("finetune", 0.1, 0.21, 0.14));
        String row = PairedGaps.rows("t", byMode).get(0);
        assertTrue(row.endsWith("| no, worse |\n"), row);
    }
}
