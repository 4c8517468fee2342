package dev.orca.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperimentSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    static OrcaExperimentSpec spec(long seed, int trials) {
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        spec.seed = seed;
        spec.finetune.batchSize = 16;
        spec.search = new OrcaExperimentSpec.Search();
        spec.search.trials = trials;
        return spec;
    }

    @Test
    void defaultSpaceIsThePapersGridWithBatchesByAccumulation() {
        SearchSpace space = new SearchSpace(spec(0, 500));
        assertEquals(3 * 3 * 5 * 5, space.size());
        assertEquals(space.size(), space.budget(), "a budget above the grid's size is capped");
        Set<TrialConfig> seen = new HashSet<>();
        for (int i = 0; i < space.budget(); i++) {
            TrialConfig c = space.config(i);
            assertEquals(c.batchSize(), 16 * c.accumulation());
            assertTrue(List.of(1, 2, 4).contains(c.accumulation()));
            seen.add(c);
        }
        assertEquals(space.size(), seen.size(), "no configuration twice");
    }

    @Test
    void theOrderIsAFunctionOfTheSeedOnly() {
        List<TrialConfig> a = IntStream.range(0, 10).mapToObj(new SearchSpace(spec(3, 10))::config).toList();
        List<TrialConfig> b = IntStream.range(0, 10).mapToObj(new SearchSpace(spec(3, 10))::config).toList();
        List<TrialConfig> c = IntStream.range(0, 10).mapToObj(new SearchSpace(spec(4, 10))::config).toList();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertThrows(IllegalArgumentException.class, () -> new SearchSpace(spec(3, 10)).config(10));
    }

    @Test
    void aConfigurationIsWrittenIntoTheFineTuningSettings() {
        OrcaExperimentSpec s = spec(0, 1);
        TrialConfig c = new TrialConfig(64, 4, OrcaExperimentSpec.OptimizerName.SGD, 1e-3, 1e-4);
        c.applyTo(s);
        assertEquals(4, s.finetune.gradientAccumulation);
        assertEquals(16, s.finetune.batchSize);
        assertEquals(OrcaExperimentSpec.OptimizerName.SGD, s.finetune.optimizer.name);
        assertEquals(1e-3, s.finetune.optimizer.lr);
        assertEquals(1e-4, s.finetune.optimizer.weightDecay);
    }
}
