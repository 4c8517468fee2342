package dev.orca.trainer.ot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * ORCA's class-wise subsampling (Algorithm 1): for every target class i with weight {@code w_i = n_i / n},
 * R rounds of b samples (all of the class when it has fewer), each compared with the whole source;
 * the total is {@code Σ_i w_i · mean_r d(batch_ir)}. Comparing one class at a time keeps every OT
 * problem at b × |source| however large the target set is.
 */
public final class ClassWiseSampler {
    private ClassWiseSampler() {}

    /**
     * One class-wise batch.
     *
     * @param label   the target class
     * @param weight  {@code w_i / R}: the batch's share of the total
     * @param indices rows of the target set
     */
    public record Batch(int label, double weight, long[] indices) {}

    /**
     * {@code Σ batch.weight · metric(features[batch], label)}: the class-wise distance in one
     * differentiable expression (for large targets, call the metric per batch and back-propagate each).
     */
    public static ai.djl.ndarray.NDArray weightedDistance(DatasetDistance metric, ai.djl.ndarray.NDArray features,
                                                          List<Batch> batches) {
        ai.djl.ndarray.NDArray total = null;
        for (Batch b : batches) {
            int[] labels = new int[b.indices().length];
            Arrays.fill(labels, b.label());
            ai.djl.ndarray.NDArray rows = features.get(features.getManager().create(b.indices()));
            ai.djl.ndarray.NDArray term = dev.orca.trainer.nd.Scalars.mul(metric.distance(rows, labels), b.weight());
            total = total == null ? term : total.add(term);
        }
        if (total == null) {
            throw new IllegalArgumentException("no class-wise batches");
        }
        return total;
    }

    public static List<Batch> sample(int[] labels, int batchSize, int rounds, Random random) {
        if (batchSize < 1 || rounds < 1) {
            throw new IllegalArgumentException("batch size and rounds must be >= 1, got " + batchSize + ", " + rounds);
        }
        int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
        List<Batch> batches = new ArrayList<>();
        for (int label : classes) {
            long[] members = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == label)
                    .asLongStream().toArray();
            double weight = (double) members.length / labels.length / rounds;
            for (int r = 0; r < rounds; r++) {
                int[] order = dev.orca.trainer.data.Permutations.of(members.length, random);
                long[] picked = new long[Math.min(batchSize, members.length)];
                for (int i = 0; i < picked.length; i++) {
                    picked[i] = members[order[i]];
                }
                batches.add(new Batch(label, weight, picked));
            }
        }
        return batches;
    }
}
