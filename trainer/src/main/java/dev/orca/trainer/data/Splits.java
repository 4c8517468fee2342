package dev.orca.trainer.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic train / validation / test index splits from a seed. Validation always comes out of the
 * training data, never the test set (ORCA's own code validates on the test set; Orca does not).
 *
 * @param train      indices for training
 * @param validation indices for model selection
 * @param test       indices held out for the final metric
 */
public record Splits(int[] train, int[] validation, int[] test) {

    /** Shuffles {@code n} examples with {@code seed} and cuts off the given fractions for test and validation. */
    public static Splits of(int n, double validationFraction, double testFraction, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("the data set is empty");
        }
        if (!(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1)) {
            throw new IllegalArgumentException("task.data.validationFraction and testFraction must be >= 0 and sum to < 1, got "
                    + validationFraction + " and " + testFraction);
        }
        int[] order = Permutations.of(n, new Random(seed));
        int tests = (int) Math.round(n * testFraction);
        int validations = (int) Math.round(n * validationFraction);
        return new Splits(Arrays.copyOfRange(order, tests + validations, n),
                Arrays.copyOfRange(order, tests, tests + validations), Arrays.copyOfRange(order, 0, tests));
    }

    /** A data set that ships all three splits, stored one after another in that order. */
    public static Splits fixed(int trainSize, int validationSize, int testSize) {
        return new Splits(java.util.stream.IntStream.range(0, trainSize).toArray(),
                java.util.stream.IntStream.range(trainSize, trainSize + validationSize).toArray(),
                java.util.stream.IntStream.range(trainSize + validationSize, trainSize + validationSize + testSize).toArray());
    }

    /** A data set that ships its own test split: validation is cut from the {@code trainSize} training examples. */
    public static Splits withFixedTest(int trainSize, int testSize, double validationFraction, long seed) {
        Splits inner = of(trainSize, validationFraction, 0, seed);
        int[] test = new int[testSize];
        for (int i = 0; i < testSize; i++) {
            test[i] = trainSize + i;
        }
        return new Splits(inner.train(), inner.validation(), test);
    }

    /**
     * The same validation and test rows, and only {@code fraction} of the training rows (at least one), chosen by
     * {@code seed}: the low-data regime of the ORCA paper (its Figure 5), measured on unchanged held-out splits.
     */
    public Splits keepTraining(double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("task.data.trainFraction must be in (0, 1], got " + fraction);
        }
        if (fraction == 1) {
            return this;
        }
        int keep = Math.max(1, (int) Math.round(train.length * fraction));
        int[] order = Permutations.of(train.length, new Random(seed * 31 + 7));
        int[] kept = new int[keep];
        for (int i = 0; i < keep; i++) {
            kept[i] = train[order[i]];
        }
        Arrays.sort(kept);
        return new Splits(kept, validation, test);
    }
}
