package dev.orca.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Every metric against values worked out by hand (and, for AUROC / AP, by scikit-learn's definitions). */
class TaskMetricsTest {

    private static final float[][] SCORES = {{0.9f, 0.1f, 0f}, {0.2f, 0.7f, 0.1f}, {0.3f, 0.3f, 0.4f}, {0.6f, 0.3f, 0.1f}};

    @Test
    void zeroOneError() {
        // predictions 0, 1, 2, 0 against labels 0, 1, 1, 2 -> two wrong of four
        assertEquals(0.5, TaskMetrics.zeroOneError(SCORES, new int[] {0, 1, 1, 2}), 1e-12);
    }

    @Test
    void macroF1() {
        // predictions 0,1,2,0; labels 0,1,1,2.
        // class 0: tp 1, predicted 2, actual 1 -> F1 = 2/3; class 1: tp 1, predicted 1, actual 2 -> 2/3;
        // class 2: tp 0 -> 0. macro = 4/9.
        assertEquals(1 - 4.0 / 9, TaskMetrics.oneMinusMacroF1(SCORES, new int[] {0, 1, 1, 2}, 3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TaskMetrics.oneMinusMacroF1(SCORES, new int[] {0, 1, 1, 3}, 3));
    }

    @Test
    void aurocWithTiesAndSkippedColumns() {
        float[][] scores = {{0.1f, 0.5f}, {0.4f, 0.5f}, {0.35f, 0.2f}, {0.8f, 0.9f}};
        float[][] targets = {{0, 1}, {0, 1}, {1, 1}, {1, 1}};
        // column 0: positives score 0.35, 0.8; negatives 0.1, 0.4. Pairs won: (0.35>0.1), (0.8>0.1), (0.8>0.4) = 3/4.
        // column 1: all positive -> skipped.
        assertEquals(0.25, TaskMetrics.oneMinusAuroc(scores, targets), 1e-12);
        // A tie between a positive and a negative counts half: scores 0.5 (pos), 0.5 (neg), 0.1 (neg) -> (0.5 + 1) / 2.
        assertEquals(0.75, TaskMetrics.auroc(new float[] {0.5f, 0.5f, 0.1f}, new float[] {1, 0, 0}), 1e-12);
    }

    @Test
    void meanAveragePrecision() {
        // scores 0.9 (pos), 0.8 (neg), 0.7 (pos), 0.1 (neg): AP = 1/2 * 1 + 1/2 * 2/3 = 5/6.
        assertEquals(5.0 / 6, TaskMetrics.averagePrecision(new float[] {0.9f, 0.8f, 0.7f, 0.1f}, new float[] {1, 0, 1, 0}), 1e-12);
        // Tied scores form one threshold: 0.5 (pos), 0.5 (neg): AP = 1 * 1/2.
        assertEquals(0.5, TaskMetrics.averagePrecision(new float[] {0.5f, 0.5f}, new float[] {1, 0}), 1e-12);
        float[][] scores = {{0.9f, 0.2f}, {0.8f, 0.9f}, {0.7f, 0.1f}, {0.1f, 0.3f}};
        float[][] targets = {{1, 0}, {0, 1}, {1, 0}, {0, 0}};
        // column 0: 5/6; column 1: the only positive ranks first -> 1. mAP = 11/12.
        assertEquals(1 - 11.0 / 12, TaskMetrics.oneMinusMap(scores, targets), 1e-12);
    }

    @Test
    void mae8CountsOnlyContactsBelowEightAngstrom() {
        float[][] truth = {{4, 12}, {7.5f, 8}};
        float[][] predictions = {{5, 0}, {6.5f, 20}};
        // entries with truth < 8: |5-4| = 1 and |6.5-7.5| = 1 -> 1.
        assertEquals(1.0, TaskMetrics.mae8(predictions, truth), 1e-12);
    }

    @Test
    void relativeL2PerExampleThenMean() {
        float[][] truth = {{3, 4}, {1, 0}};
        float[][] predictions = {{3, 4}, {1, 1}};
        // example 1: 0 / 5 = 0; example 2: 1 / 1 = 1 -> mean 0.5
        assertEquals(0.5, TaskMetrics.relativeL2(predictions, truth), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TaskMetrics.relativeL2(predictions, new float[][] {{0, 0}, {1, 0}}));
    }

    @Test
    void nllSumsKeysAndAveragesFrames() {
        // logit 0 -> p = 1/2: each key costs ln 2 whatever the target; two keys per frame -> 2 ln 2 per frame.
        assertEquals(2 * Math.log(2), TaskMetrics.nll(new float[][] {{0, 0}, {0, 0}}, new float[][] {{1, 0}, {0, 0}}), 1e-12);
        // logit ln 3 -> p = 3/4: target 1 costs -ln(3/4), target 0 costs -ln(1/4).
        float z = (float) Math.log(3);
        double expected = (-Math.log(0.75) - Math.log(0.25)) / 1;
        assertEquals(expected, TaskMetrics.nll(new float[][] {{z, z}}, new float[][] {{1, 0}}), 1e-6);
        // Extreme logits stay finite.
        assertEquals(0, TaskMetrics.nll(new float[][] {{100}}, new float[][] {{1}}), 1e-12);
        assertEquals(100, TaskMetrics.nll(new float[][] {{-100}}, new float[][] {{1}}), 1e-9);
    }

    @Test
    void mismatchedOrEmptyInputs() {
        assertThrows(IllegalArgumentException.class, () -> TaskMetrics.zeroOneError(SCORES, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> TaskMetrics.zeroOneError(new float[0][], new int[0]));
    }
}
