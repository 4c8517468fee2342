package dev.orca.trainer.eval;

import java.util.Arrays;

/**
 * NAS-Bench-360's task metrics, all "lower is better". Inputs are plain arrays (one row per example) so
 * that the metrics are exact, engine-free and testable by hand.
 */
public final class TaskMetrics {
    private TaskMetrics() {}

    /** Fraction of examples whose highest-scoring class is not the label. */
    public static double zeroOneError(float[][] scores, int[] labels) {
        requireRows(scores.length, labels.length);
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            if (argMax(scores[i]) != labels[i]) {
                wrong++;
            }
        }
        return (double) wrong / labels.length;
    }

    /**
     * 1 − macro-F1 over the classes that occur among the labels or the predictions (a class that is
     * neither has no defined F1; one that is predicted but never true counts with F1 = 0).
     */
    public static double oneMinusMacroF1(float[][] scores, int[] labels, int classes) {
        requireRows(scores.length, labels.length);
        long[] truePositive = new long[classes];
        long[] predicted = new long[classes];
        long[] actual = new long[classes];
        for (int i = 0; i < labels.length; i++) {
            int p = argMax(scores[i]);
            checkLabel(labels[i], classes);
            predicted[p]++;
            actual[labels[i]]++;
            if (p == labels[i]) {
                truePositive[p]++;
            }
        }
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            if (predicted[c] + actual[c] == 0) {
                continue;
            }
            sum += 2.0 * truePositive[c] / (predicted[c] + actual[c]);
            counted++;
        }
        return 1 - sum / counted;
    }

    /**
     * 1 − AUROC, averaged over the columns of a multi-label target (columns with only one label value
     * are skipped, as their AUROC is undefined). Ties get half credit (the Mann–Whitney statistic).
     */
    public static double oneMinusAuroc(float[][] scores, float[][] targets) {
        requireRows(scores.length, targets.length);
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < scores[0].length; c++) {
            double auc = auroc(column(scores, c), column(targets, c));
            if (!Double.isNaN(auc)) {
                sum += auc;
                counted++;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no target column has both positive and negative examples");
        }
        return 1 - sum / counted;
    }

    /**
     * Cosmic's score as NAS-Bench-360 computes it (the official {@code inv_auroc} after the {@code mask} transform, utils.py:362-367
     * and :740): logits and targets are zeroed where {@code ignore} is 1, every pixel of every example becomes one example
     * whose score is the 0/1 prediction {@code logit > 0}, and the result is 1 − the AUROC of those.
     */
    public static double cosmicOneMinusAuroc(float[][] logits, float[][] targets, float[][] ignore) {
        requireRows(logits.length, targets.length);
        requireRows(logits.length, ignore.length);
        int pixels = Arrays.stream(targets).mapToInt(t -> t.length).sum();
        float[][] scores = new float[pixels][1];
        float[][] truth = new float[pixels][1];
        int at = 0;
        for (int i = 0; i < targets.length; i++) {
            for (int j = 0; j < targets[i].length; j++, at++) {
                boolean kept = ignore[i][j] == 0;
                scores[at][0] = kept && logits[i][j] > 0 ? 1 : 0;
                truth[at][0] = kept ? targets[i][j] : 0;
            }
        }
        return oneMinusAuroc(scores, truth);
    }

    /**
     * FSD50K's score as the official evaluation computes it (main.py:250-265): the logits of a clip's segments (the examples
     * sharing a clip id) are averaged, each clip is one example with its first segment's labels, then 1 − mean average
     * precision over the labels, as {@link #oneMinusMap}.
     */
    public static double oneMinusMapPerClip(float[][] logits, float[][] targets, int[] clips) {
        requireRows(logits.length, targets.length);
        requireRows(logits.length, clips.length);
        java.util.Map<Integer, float[]> sums = new java.util.LinkedHashMap<>();
        java.util.Map<Integer, float[]> labels = new java.util.LinkedHashMap<>();
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < logits.length; i++) {
            float[] sum = sums.computeIfAbsent(clips[i], c -> new float[logits[0].length]);
            for (int k = 0; k < sum.length; k++) {
                sum[k] += logits[i][k];
            }
            labels.putIfAbsent(clips[i], targets[i]);
            counts.merge(clips[i], 1, Integer::sum);
        }
        float[][] perClip = new float[sums.size()][];
        float[][] clipLabels = new float[sums.size()][];
        int at = 0;
        for (var e : sums.entrySet()) {
            float[] mean = e.getValue().clone();
            int n = counts.get(e.getKey());
            for (int k = 0; k < mean.length; k++) {
                mean[k] /= n;
            }
            perClip[at] = mean;
            clipLabels[at++] = labels.get(e.getKey());
        }
        return oneMinusMap(perClip, clipLabels);
    }

    /** 1 − mean average precision over the columns that have at least one positive. */
    public static double oneMinusMap(float[][] scores, float[][] targets) {
        requireRows(scores.length, targets.length);
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < scores[0].length; c++) {
            double ap = averagePrecision(column(scores, c), column(targets, c));
            if (!Double.isNaN(ap)) {
                sum += ap;
                counted++;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no target column has a positive example");
        }
        return 1 - sum / counted;
    }

    /**
     * PSICOV's MAE₈ as NAS-Bench-360 scores it (the official {@code psicov_mae}, utils.py:181-288): each example is one
     * protein's L × L distance map (row-major); predictions are floored at 0.01 and symmetrised, {@code (P[j][k] + P[k][j]) / 2};
     * the error is the mean |truth − prediction| over the pairs at sequence separation {@code k − j ≥ 24} whose true
     * distance is at most 8 Å (missing, NaN, truths are skipped), per protein, then averaged over the proteins that have
     * such a pair. +∞ when none has one, as the official code returns.
     */
    public static double mae8(float[][] predictions, float[][] truth) {
        requireRows(predictions.length, truth.length);
        double total = 0;
        int proteins = 0;
        for (int i = 0; i < truth.length; i++) {
            int side = (int) Math.round(Math.sqrt(truth[i].length));
            if (side * side != truth[i].length || predictions[i].length != truth[i].length) {
                throw new IllegalArgumentException("mae8 takes square distance maps; example " + i + " has " + truth[i].length
                        + " true and " + predictions[i].length + " predicted values");
            }
            double sum = 0;
            int count = 0;
            for (int j = 0; j < side; j++) {
                for (int k = j + 24; k < side; k++) {
                    float y = truth[i][j * side + k];
                    if (Float.isNaN(y) || y > 8) {
                        continue;
                    }
                    double p = (Math.max(0.01f, predictions[i][j * side + k]) + Math.max(0.01f, predictions[i][k * side + j])) / 2;
                    sum += Math.abs(y - p);
                    count++;
                }
            }
            if (count > 0) {
                total += sum / count;
                proteins++;
            }
        }
        return proteins == 0 ? Double.POSITIVE_INFINITY : total / proteins;
    }

    /** Mean over examples of {@code ‖prediction − truth‖₂ / ‖truth‖₂} (Darcy Flow). */
    public static double relativeL2(float[][] predictions, float[][] truth) {
        requireRows(predictions.length, truth.length);
        double sum = 0;
        for (int i = 0; i < truth.length; i++) {
            double error = 0;
            double norm = 0;
            for (int j = 0; j < truth[i].length; j++) {
                double d = predictions[i][j] - truth[i][j];
                error += d * d;
                norm += (double) truth[i][j] * truth[i][j];
            }
            if (norm == 0) {
                throw new IllegalArgumentException("example " + i + " has an all-zero target; relative L2 is undefined");
            }
            sum += Math.sqrt(error / norm);
        }
        return sum / truth.length;
    }

    /**
     * Negative log-likelihood of binary targets under independent Bernoullis given by {@code logits},
     * summed over the columns (e.g. the 88 keys of a piano-roll frame) and averaged over rows (frames).
     * Computed from logits with the stable form {@code softplus(z) − y z}.
     */
    public static double nll(float[][] logits, float[][] targets) {
        requireRows(logits.length, targets.length);
        double sum = 0;
        for (int i = 0; i < targets.length; i++) {
            for (int j = 0; j < targets[i].length; j++) {
                double z = logits[i][j];
                double softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
                sum += softplus - targets[i][j] * z;
            }
        }
        return sum / targets.length;
    }

    static double auroc(float[] scores, float[] labels) {
        Integer[] order = sortedIndices(scores);
        long positives = 0;
        for (float l : labels) {
            positives += l > 0.5f ? 1 : 0;
        }
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        // Sum of the (tie-averaged) ranks of the positives.
        double rankSum = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] > 0.5f) {
                    rankSum += averageRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Average precision as scikit-learn defines it: {@code Σ_n (R_n − R_{n−1}) P_n} over score thresholds. */
    static double averagePrecision(float[] scores, float[] labels) {
        Integer[] order = sortedIndices(scores);
        long positives = 0;
        for (float l : labels) {
            positives += l > 0.5f ? 1 : 0;
        }
        if (positives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long truePositives = 0;
        long seen = 0;
        int i = order.length - 1; // descending score
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            long gained = 0;
            for (int k = j; k <= i; k++) {
                seen++;
                if (labels[order[k]] > 0.5f) {
                    gained++;
                }
            }
            truePositives += gained;
            ap += (double) gained / positives * ((double) truePositives / seen);
            i = j - 1;
        }
        return ap;
    }

    private static Integer[] sortedIndices(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        return order;
    }

    private static float[] column(float[][] rows, int c) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i][c];
        }
        return out;
    }

    private static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void checkLabel(int label, int classes) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " is outside [0, " + classes + ")");
        }
    }

    private static void requireRows(int predictions, int targets) {
        if (predictions != targets) {
            throw new IllegalArgumentException(predictions + " predictions for " + targets + " targets");
        }
        if (targets == 0) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
    }
}
