package dev.orca.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

    @Test
    void pairingResolvesADifferenceTheSeedSpreadHidesUnpaired() {
        // Seeds differ by up to 0.10 between them, the setting by a steady 0.01 within each seed.
        double[] orca = {0.10, 0.20, 0.15, 0.05, 0.12};
        double[] finetune = {0.11, 0.21, 0.165, 0.055, 0.13};
        PairedDifference d = PairedDifference.of(orca, finetune);
        assertArrayEquals(new double[] {-0.01, -0.01, -0.015, -0.005, -0.01}, d.differences(), 1e-12);
        assertEquals(-0.01, d.mean(), 1e-12);
        assertEquals(Math.sqrt(0.00005 / 4), d.std(), 1e-12);
        assertEquals(-0.01 + 2.776 * d.std() / Math.sqrt(5), d.high(), 1e-12, "t(0.975, 4) = 2.776");
        assertEquals(PairedDifference.Verdict.A_BETTER, d.verdict());
        assertEquals(PairedDifference.Verdict.B_BETTER, PairedDifference.of(finetune, orca).verdict());
    }

    @Test
    void anIntervalHoldingZeroOrASingleSeedResolvesNothing() {
        assertEquals(PairedDifference.Verdict.UNRESOLVED, PairedDifference.of(new double[] {0.1, 0.2, 0.1}, new double[] {0.15, 0.1, 0.12}).verdict());
        PairedDifference one = PairedDifference.of(new double[] {0.1}, new double[] {0.3});
        assertEquals(-0.2, one.mean(), 1e-12);
        assertEquals(PairedDifference.Verdict.UNRESOLVED, one.verdict());
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[] {0.1, 0.2}, new double[] {0.1}));
    }
}
