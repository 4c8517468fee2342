package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.orca.trainer.nd.Scalars;

/**
 * Task losses, written with array scalars only: DJL's own {@code SoftmaxCrossEntropyLoss},
 * {@code L2Loss} and {@code L1Loss} go through the Number overloads whose temporary scalar autograd reads
 * after it is freed (FACTS.md), so they are not used.
 */
public final class Losses {
    private Losses() {}

    /** Mean cross-entropy of {@code logits (B, K)} against integer {@code labels (B)}. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray oneHot = labels.toType(DataType.INT64, false).oneHot((int) classes).toType(logits.getDataType(), false);
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).neg().mean();
    }

    /**
     * Binary cross-entropy with logits, summed over the last axis and averaged over the rest: per example
     * (or frame), the negative log-likelihood of independent Bernoullis. Stable form
     * {@code max(z, 0) − y z + log(1 + exp(−|z|))}.
     */
    public static NDArray binaryCrossEntropySum(NDArray logits, NDArray targets) {
        NDArray y = targets.toType(logits.getDataType(), false);
        NDArray perValue = Scalars.maximum(logits, 0).sub(logits.mul(y))
                .add(Scalars.add(logits.abs().neg().exp(), 1).log());
        return perValue.sum(new int[] {-1}).mean();
    }

    /** Mean squared error. */
    public static NDArray meanSquaredError(NDArray predictions, NDArray targets) {
        NDArray d = predictions.sub(targets.toType(predictions.getDataType(), false));
        return d.mul(d).mean();
    }
}
