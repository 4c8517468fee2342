package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListOpsTest {

    /** "[MAX 2 9 [MIN 4 7 ] 0 ]" and friends, written as text and tokenised here. */
    private static List<Integer> tokens(String text) {
        List<Integer> out = new ArrayList<>();
        for (String t : text.trim().split("\\s+")) {
            out.add(switch (t) {
                case "[MAX" -> ListOps.MAX;
                case "[MIN" -> ListOps.MIN;
                case "[MED" -> ListOps.MED;
                case "[SM" -> ListOps.SM;
                case "]" -> ListOps.CLOSE;
                default -> Integer.parseInt(t);
            });
        }
        return out;
    }

    @Test
    void evaluatesByHand() {
        assertEquals(9, ListOps.evaluate(tokens("[MAX 2 9 [MIN 4 7 ] 0 ]")));
        assertEquals(1, ListOps.evaluate(tokens("[SM 5 6 ]")));
        assertEquals(2, ListOps.evaluate(tokens("[MED 1 2 3 4 ]")));          // int(np.median) = int(2.5)
        assertEquals(3, ListOps.evaluate(tokens("[MED 9 3 1 ]")));
        assertEquals(4, ListOps.evaluate(tokens("[MIN [MAX 1 4 ] [SM 9 9 ] ]"))); // min(4, 8)
        assertThrows(IllegalArgumentException.class, () -> ListOps.evaluate(tokens("[MAX 1 2 ] 3")));
    }

    @Test
    void generatedSamplesRespectTheRecipe() {
        ListOps.Samples s = ListOps.generate(200, 4, 5, 10, 60, 3);
        assertArrayEquals(new long[] {200, 60}, s.tokens().shape());
        int[] labels = s.labels().asLabels();
        float[] t = s.tokens().values();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<Integer> row = new ArrayList<>();
            int depth = 0;
            int maxDepth = 0;
            int length = 0;
            for (int j = 0; j < 60; j++) {
                int token = (int) t[i * 60 + j];
                row.add(token);
                if (token != ListOps.PAD) {
                    length++;
                }
                if (token >= ListOps.MAX && token <= ListOps.SM) {
                    maxDepth = Math.max(maxDepth, ++depth);
                } else if (token == ListOps.CLOSE) {
                    depth--;
                }
            }
            assertTrue(length >= 10 && length <= 60, "length " + length);
            assertTrue(maxDepth <= 4, "depth " + maxDepth);
            assertEquals(ListOps.evaluate(row), labels[i], "label of sample " + i);
            seen.add(labels[i]);
        }
        assertTrue(seen.size() >= 8, "labels cover the classes: " + seen);
        assertArrayEquals(t, ListOps.generate(200, 4, 5, 10, 60, 3).tokens().values(), "seeded");
        assertThrows(IllegalArgumentException.class, () -> ListOps.generate(10, 4, 1, 10, 60, 3));
    }
}
