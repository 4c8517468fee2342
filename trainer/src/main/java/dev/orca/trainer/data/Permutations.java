package dev.orca.trainer.data;

import java.util.Random;

/** Seeded Fisher–Yates permutations: the one shuffle behind splits, epoch orders and class-wise batches. */
public final class Permutations {
    private Permutations() {}

    /** A uniformly random permutation of {@code 0..n-1} drawn from {@code random}. */
    public static int[] of(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
