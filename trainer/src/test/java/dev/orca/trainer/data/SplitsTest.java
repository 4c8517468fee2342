package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void disjointCoveringAndSeeded() {
        Splits s = Splits.of(1000, 0.1, 0.2, 42);
        assertEquals(700, s.train().length);
        assertEquals(100, s.validation().length);
        assertEquals(200, s.test().length);
        BitSet seen = new BitSet();
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            for (int i : part) {
                assertFalse(seen.get(i), "index " + i + " in two splits");
                seen.set(i);
            }
        }
        assertEquals(1000, seen.cardinality());
        assertArrayEquals(s.test(), Splits.of(1000, 0.1, 0.2, 42).test());
        assertFalse(Arrays.equals(s.test(), Splits.of(1000, 0.1, 0.2, 43).test()));
    }

    @Test
    void fixedTestSplitKeepsValidationInsideTraining() {
        Splits s = Splits.withFixedTest(229, 77, 0.25, 1);
        assertEquals(77, s.test().length);
        assertTrue(Arrays.stream(s.test()).allMatch(i -> i >= 229));
        assertTrue(Arrays.stream(s.validation()).allMatch(i -> i < 229));
        assertEquals(229, s.train().length + s.validation().length);
    }

    @Test
    void badFractions() {
        assertThrows(IllegalArgumentException.class, () -> Splits.of(10, 0.5, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> Splits.of(10, -0.1, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> Splits.of(0, 0.1, 0.2, 0));
    }

    @Test
    void lowDataKeepsTheHeldOutSplitsAndASeededSubsetOfTraining() {
        Splits full = Splits.of(200, 0.1, 0.2, 4);
        Splits tenth = full.keepTraining(0.1, 4);
        assertArrayEquals(full.validation(), tenth.validation());
        assertArrayEquals(full.test(), tenth.test());
        assertEquals(14, tenth.train().length, "10% of 140 training rows");
        java.util.Set<Integer> train = new java.util.HashSet<>();
        Arrays.stream(full.train()).forEach(train::add);
        assertTrue(Arrays.stream(tenth.train()).allMatch(train::contains), "a subset of the training rows");
        assertArrayEquals(tenth.train(), full.keepTraining(0.1, 4).train(), "a function of the seed");
        assertFalse(Arrays.equals(tenth.train(), full.keepTraining(0.1, 5).train()));
        assertArrayEquals(full.train(), full.keepTraining(1.0, 4).train());
        assertThrows(IllegalArgumentException.class, () -> full.keepTraining(0, 4));
        assertThrows(IllegalArgumentException.class, () -> full.keepTraining(1.5, 4));
    }
}
