package dev.orca.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * ListOps (Nangia &amp; Bowman, 2018; the Long Range Arena variant): nested prefix expressions over the
 * digits 0–9 with {@code MAX}, {@code MIN}, {@code MED} (median, truncated to an integer as
 * {@code int(np.median)}) and {@code SM} (sum modulo 10); the label is the expression's value (10 classes).
 * Trees grow an operator node with probability {@link #BRANCH_PROBABILITY} below the maximum depth; a
 * sample is kept when its token count lies in the requested range.
 */
public final class ListOps {
    private ListOps() {}

    public static final int MAX = 10;
    public static final int MIN = 11;
    public static final int MED = 12;
    public static final int SM = 13;
    public static final int CLOSE = 14;
    public static final int PAD = 15;
    public static final int VOCABULARY = 16;
    static final double BRANCH_PROBABILITY = 0.25;

    /** Token ids {@code (n, maxLength)} padded with {@link #PAD}, and labels {@code (n)}. */
    public record Samples(DataArray tokens, DataArray labels) {}

    public static Samples generate(int samples, int maxDepth, int maxArgs, int minLength, int maxLength, long seed) {
        if (samples < 1 || maxDepth < 1 || maxArgs < 2 || minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("ListOps needs samples >= 1, maxDepth >= 1, maxArgs >= 2 and"
                    + " 1 <= minLength <= maxLength; got " + samples + ", " + maxDepth + ", " + maxArgs + ", "
                    + minLength + ", " + maxLength);
        }
        Random random = new Random(seed);
        float[] tokens = new float[samples * maxLength];
        float[] labels = new float[samples];
        java.util.Arrays.fill(tokens, PAD);
        for (int s = 0; s < samples; s++) {
            List<Integer> sequence;
            int attempts = 0;
            do {
                if (++attempts > 100_000) {
                    throw new IllegalArgumentException("ListOps: no expression of length " + minLength + ".." + maxLength
                            + " within depth " + maxDepth + " and " + maxArgs + " arguments");
                }
                sequence = new ArrayList<>();
                // The root is always an operator, as in the original generator.
                operator(random, 1, maxDepth, maxArgs, sequence);
            } while (sequence.size() < minLength || sequence.size() > maxLength);
            for (int i = 0; i < sequence.size(); i++) {
                tokens[s * maxLength + i] = sequence.get(i);
            }
            labels[s] = evaluate(sequence);
        }
        return new Samples(new DataArray("listops tokens", new long[] {samples, maxLength}, tokens),
                new DataArray("listops labels", new long[] {samples}, labels));
    }

    private static void node(Random random, int depth, int maxDepth, int maxArgs, List<Integer> out) {
        if (depth < maxDepth && random.nextDouble() < BRANCH_PROBABILITY) {
            operator(random, depth + 1, maxDepth, maxArgs, out);
        } else {
            out.add(random.nextInt(10));
        }
    }

    private static void operator(Random random, int depth, int maxDepth, int maxArgs, List<Integer> out) {
        out.add(MAX + random.nextInt(4));
        int args = 2 + random.nextInt(maxArgs - 1);
        for (int i = 0; i < args; i++) {
            node(random, depth, maxDepth, maxArgs, out);
        }
        out.add(CLOSE);
    }

    /** The value of a token sequence (padding ignored). */
    public static int evaluate(List<Integer> tokens) {
        int[] position = {0};
        int value = evaluate(tokens, position);
        while (position[0] < tokens.size() && tokens.get(position[0]) == PAD) {
            position[0]++;
        }
        if (position[0] != tokens.size()) {
            throw new IllegalArgumentException("trailing tokens after a complete expression at " + position[0]);
        }
        return value;
    }

    private static int evaluate(List<Integer> tokens, int[] at) {
        int token = tokens.get(at[0]++);
        if (token < 10) {
            return token;
        }
        if (token > SM) {
            throw new IllegalArgumentException("unexpected token " + token + " at " + (at[0] - 1));
        }
        List<Integer> args = new ArrayList<>();
        while (tokens.get(at[0]) != CLOSE) {
            args.add(evaluate(tokens, at));
        }
        at[0]++;
        return switch (token) {
            case MAX -> args.stream().mapToInt(Integer::intValue).max().orElseThrow();
            case MIN -> args.stream().mapToInt(Integer::intValue).min().orElseThrow();
            case SM -> args.stream().mapToInt(Integer::intValue).sum() % 10;
            default -> {
                int[] sorted = args.stream().mapToInt(Integer::intValue).sorted().toArray();
                int n = sorted.length;
                yield n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            }
        };
    }
}
