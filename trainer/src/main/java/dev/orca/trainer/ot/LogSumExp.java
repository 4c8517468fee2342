package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;

/** {@code log Σ exp} along an axis, stabilised by the (detached) maximum; DJL has no such op. */
final class LogSumExp {
    private LogSumExp() {}

    static NDArray of(NDArray s, int axis) {
        NDArray max = s.stopGradient().max(new int[] {axis}, true);
        return s.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
    }
}
