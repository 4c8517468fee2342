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
    void mae8IsNasBench360sLongRangeContactErrorPerProtein() {
        int side = 26;
        float[] truth = new float[side * side];
        float[] predicted = new float[side * side];
        java.util.Arrays.fill(truth, 20);
        truth[0 * side + 24] = 5;      // separation 24, a contact
        predicted[0 * side + 24] = 4;
        predicted[24 * side + 0] = 6;  // symmetrised: (4 + 6) / 2 = 5 -> error 0
        truth[0 * side + 25] = 9;      // beyond 8 Å: not counted
        predicted[0 * side + 25] = 100;
        truth[1 * side + 25] = 8;      // exactly 8 Å counts
        predicted[1 * side + 25] = 7;
        predicted[25 * side + 1] = -3; // floored at 0.01: (7 + 0.01) / 2 = 3.505 -> error 4.495
        truth[0 * side + 23] = 1;      // separation 23: not counted
        predicted[0 * side + 23] = 100;
        float[] farApart = new float[side * side];
        java.util.Arrays.fill(farApart, 30); // no contact at all: this protein is left out of the mean
        float[][] truths = {truth, farApart};
        float[][] predictions = {predicted, new float[side * side]};
        assertEquals((0 + 4.495) / 2, TaskMetrics.mae8(predictions, truths), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, TaskMetrics.mae8(new float[][] {new float[side * side]}, new float[][] {farApart}));
    }

    @Test
    void cosmicScoresThresholdedPredictionsOutsideTheIgnoreMask() {
        float[][] logits = {{2, -1}, {3, -0.5f}};
        float[][] targets = {{1, 0}, {1, 1}};
        float[][] ignore = {{0, 0}, {1, 0}};
        // pixels (score = logit > 0, masked): (1 | 1), (0 | 0), (ignored: 0 | 0), (0 | 1).
        // positives 1 and 0 against negatives 0, 0: 2 wins and 2 ties of 4 pairs -> AUROC 0.75.
        assertEquals(0.25, TaskMetrics.cosmicOneMinusAuroc(logits, targets, ignore), 1e-12);
    }

    @Test
    void fsdAveragesEachClipsSegmentsBeforeTheAveragePrecision() {
        float[][] logits = {{2}, {-4}, {0.5f}};
        float[][] targets = {{1}, {1}, {0}};
        // clip 7 = rows 0 and 1, mean logit -1, positive; clip 9 = row 2, 0.5, negative: the positive ranks second, AP 1/2.
        assertEquals(0.5, TaskMetrics.oneMinusMapPerClip(logits, targets, new int[] {7, 7, 9}), 1e-12);
        // scored per segment instead: positives at ranks 1 and 3, AP (1 + 2/3) / 2.
        assertEquals(1 - (1 + 2.0 / 3) / 2, TaskMetrics.oneMinusMap(logits, targets), 1e-12);
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
