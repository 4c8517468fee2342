package dev.orca.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodySelectionTest {

    @Test
    void smallestFinalDistanceWinsAndFailuresCannot() {
        assertEquals(Optional.of(1), BodySelection.choose(Arrays.asList(3.0, 1.5, 2.0)));
        assertEquals(Optional.of(2), BodySelection.choose(Arrays.asList(3.0, null, 2.0)), "a failed candidate is skipped");
        assertEquals(Optional.of(0), BodySelection.choose(Arrays.asList(3.0, Double.NaN)), "a diverged one too");
        assertEquals(Optional.empty(), BodySelection.choose(Arrays.asList(null, null)));
    }

    @Test
    void tiesGoToTheEarlierCandidate() {
        assertEquals(Optional.of(1), BodySelection.choose(Arrays.asList(2.0, 1.0, 1.0)));
    }
}
