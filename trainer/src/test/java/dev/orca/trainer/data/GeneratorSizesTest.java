package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperimentSpec;
import org.junit.jupiter.api.Test;

/** A generator's sizes are checked before it allocates: a refusal naming the fields, not an overflow or an OutOfMemoryError. */
class GeneratorSizesTest {
    private static OrcaExperimentSpec.Generator generator(String name, int samples, int resolution) {
        OrcaExperimentSpec.Generator g = new OrcaExperimentSpec.Generator();
        g.name = name;
        g.samples = samples;
        g.resolution = resolution;
        return g;
    }

    private static void refused(OrcaExperimentSpec.Generator g) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Generators.generate(g, 0));
        assertTrue(e.getMessage().startsWith("spec.task.data.generator.samples (" + g.samples + ") x resolution ("
                + g.resolution + ")") && e.getMessage().contains("needs"), e.getMessage());
    }

    @Test
    void sizesBeyondTheHeapAreRefusedNamingTheFields() {
        refused(generator("listops", 10_000_000, 65_536)); // once an int overflow: "run failed: -1769996288"
        refused(generator("listops", 10_000_000, 64)); // once an OutOfMemoryError
        refused(generator("darcy-flow", 10_000_000, 65_536));
        refused(generator("spherical-mnist", 10_000_000, 65_536));
    }

    @Test
    void sizesThatFitAreGenerated() {
        RawData small = Generators.generate(generator("listops", 20, 32), 0);
        assertArrayEquals(new long[] {20, ListOps.VOCABULARY, 32}, small.inputs().shape());
    }
}
