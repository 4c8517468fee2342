package dev.orca.trainer.task;

import java.util.Arrays;

/**
 * ORCA's patching rule: kernel = stride = k, the smallest k for which the number of patches
 * {@code Π ceil(d_i / k)} fits the body's maximum sequence length. Inputs are zero-padded at the end of
 * each spatial axis to a multiple of k, so that dense heads can fold the patches back and crop.
 *
 * @param spatial   the input's spatial sizes (1 for sequences, 2 for images)
 * @param k         kernel and stride
 * @param grid      patches per spatial axis
 */
public record PatchGeometry(long[] spatial, int k, long[] grid) {

    public static PatchGeometry of(long[] spatial, int maxTokens) {
        if (spatial.length < 1 || spatial.length > 2) {
            throw new IllegalArgumentException("task.inputShape must have 1 or 2 spatial axes after the channel axis, got "
                    + spatial.length);
        }
        for (long d : spatial) {
            if (d < 1) {
                throw new IllegalArgumentException("task.inputShape has a non-positive size: " + Arrays.toString(spatial));
            }
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("the body's maximum sequence length must be >= 1, got " + maxTokens);
        }
        long largest = Arrays.stream(spatial).max().orElse(1);
        for (int k = 1; k <= largest; k++) {
            long[] grid = grid(spatial, k);
            if (Arrays.stream(grid).reduce(1, Math::multiplyExact) <= maxTokens) {
                return new PatchGeometry(spatial.clone(), k, grid);
            }
        }
        return new PatchGeometry(spatial.clone(), (int) largest, grid(spatial, (int) largest));
    }

    private static long[] grid(long[] spatial, int k) {
        return Arrays.stream(spatial).map(d -> (d + k - 1) / k).toArray();
    }

    public int dimensions() {
        return spatial.length;
    }

    public long tokens() {
        return Arrays.stream(grid).reduce(1, Math::multiplyExact);
    }

    /** Padding at the end of spatial axis {@code axis}. */
    public long padding(int axis) {
        return grid[axis] * k - spatial[axis];
    }

    /** Values a dense head emits per token for {@code outputs} channels: {@code k^dims · outputs}. */
    public long denseValuesPerToken(int outputs) {
        long patch = 1;
        for (int i = 0; i < spatial.length; i++) {
            patch *= k;
        }
        return patch * outputs;
    }
}
