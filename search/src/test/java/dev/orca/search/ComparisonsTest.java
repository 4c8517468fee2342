package dev.orca.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonsTest {

    private static OrcaExperimentSpec spec(long seed, int seeds, Mode... modes) {
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        spec.seed = seed;
        spec.compare = new OrcaExperimentSpec.Compare();
        spec.compare.modes = List.of(modes);
        spec.compare.seeds = seeds;
        return spec;
    }

    @Test
    void everyModeRunsOnEverySeedAndTheExperimentsOwnRunIsNotRepeated() {
        List<Comparisons.Run> runs = Comparisons.runs(spec(7, 3, Mode.FINETUNE, Mode.SCRATCH));
        assertEquals(List.of(new Comparisons.Run(0, Mode.ORCA, 8), new Comparisons.Run(1, Mode.ORCA, 9),
                new Comparisons.Run(2, Mode.FINETUNE, 7), new Comparisons.Run(3, Mode.FINETUNE, 8), new Comparisons.Run(4, Mode.FINETUNE, 9),
                new Comparisons.Run(5, Mode.SCRATCH, 7), new Comparisons.Run(6, Mode.SCRATCH, 8), new Comparisons.Run(7, Mode.SCRATCH, 9)), runs);
        assertTrue(Comparisons.runs(new OrcaExperimentSpec()).isEmpty(), "no compare, no runs");
        OrcaExperimentSpec unvalidated = new OrcaExperimentSpec();
        unvalidated.compare = new OrcaExperimentSpec.Compare();
        assertTrue(Comparisons.runs(unvalidated).isEmpty(), "a spec without modes, read before validation refuses it, adds none");
    }

    @Test
    void aGapPairsTheSeedsOnWhichBothModesFinished() {
        OrcaExperimentSpec spec = spec(0, 3, Mode.FINETUNE, Mode.SCRATCH);
        Map<String, Double> tests = Map.of("ORCA0", 0.10, "ORCA1", 0.20, "ORCA2", 0.30,
                "FINETUNE0", 0.15, "FINETUNE2", 0.32); // finetune seed 1 failed; scratch has not finished
        Map<Mode, PairedDifference> gaps = Comparisons.gaps(spec, (mode, seed) -> tests.get(mode.name() + seed));
        PairedDifference finetune = gaps.get(Mode.FINETUNE);
        assertEquals(2, finetune.differences().length);
        assertEquals(-0.035, finetune.mean(), 1e-12, "(0.10 - 0.15 + 0.30 - 0.32) / 2");
        assertFalse(gaps.containsKey(Mode.SCRATCH), "a mode without a finished pair has no gap yet");
    }
}
