package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.orca.trainer.nd.Scalars;

/**
 * Task losses, written with array scalars only: DJL's own {@code SoftmaxCrossEntropyLoss},
 * {@code L2Loss} and {@code L1Loss} go through the Number overloads whose temporary scalar autograd reads
 * after it is freed ({@link Scalars} says how; NaNs at random after a few steps), so they are not used.
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
     * (or frame), the negative log-likelihood of independent Bernoullis.
     */
    public static NDArray binaryCrossEntropySum(NDArray logits, NDArray targets) {
        return binaryCrossEntropy(logits, targets, 1).sum(new int[] {-1}).mean();
    }

    /** Mean squared error. */
    public static NDArray meanSquaredError(NDArray predictions, NDArray targets) {
        NDArray d = predictions.sub(targets.toType(predictions.getDataType(), false));
        return d.mul(d).mean();
    }

    /**
     * Binary cross-entropy with logits and a weight on the positive term, averaged over every value, as PyTorch's
     * {@code BCEWithLogitsLoss(pos_weight=w)} (the official DeepSEA, w = 4, and FSD50K, w = 10, task_configs.py:118,135):
     * {@code −[w y log σ(z) + (1 − y) log(1 − σ(z))]}.
     */
    public static NDArray binaryCrossEntropyMean(NDArray logits, NDArray targets, double positiveWeight) {
        return binaryCrossEntropy(logits, targets, positiveWeight).mean();
    }

    /**
     * Per value, {@code −[w y log σ(z) + (1 − y) log(1 − σ(z))]} in the stable form {@code (1 − y) z + (1 + (w − 1) y)
     * softplus(−z)}, {@code softplus(−z) = max(−z, 0) + log(1 + exp(−|z|))}; with w = 1 it is the unweighted loss.
     */
    private static NDArray binaryCrossEntropy(NDArray logits, NDArray targets, double positiveWeight) {
        NDArray y = targets.toType(logits.getDataType(), false);
        NDArray softplusNeg = Scalars.maximum(logits.neg(), 0).add(Scalars.add(logits.abs().neg().exp(), 1).log());
        NDArray weight = Scalars.add(Scalars.mul(y, positiveWeight - 1), 1);
        return Scalars.rsub(1, y).mul(logits).add(weight.mul(softplusNeg));
    }

    /**
     * Focal loss of {@code logits (B, K)} against labels, as the official {@code FocalLoss} (utils.py:438-456):
     * {@code α Σ_k onehot_k (1 − p_k)^γ (−log(p_k + 1e-9))}, mean over the batch. With γ = 0 (the official NinaPro
     * setting, {@code FocalLoss(alpha=1)}) it is α × cross-entropy.
     */
    public static NDArray focal(NDArray logits, NDArray labels, double gamma, double alpha) {
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray oneHot = labels.toType(DataType.INT64, false).oneHot((int) classes).toType(logits.getDataType(), false);
        NDArray p = Scalars.add(logits.softmax(-1), 1e-9);
        NDArray modulation = gamma == 0 ? oneHot : Scalars.pow(Scalars.rsub(1, p), gamma).mul(oneHot);
        return Scalars.mul(modulation.mul(p.log().neg()).sum(new int[] {-1}).mean(), alpha);
    }

    /**
     * Relative ℓ2 error, mean over examples of {@code ‖p − t‖₂ / ‖t‖₂}: the official {@code LpLoss.rel} (utils.py:544-556),
     * Darcy Flow's training loss. {@code scale} and {@code shift} map standardised values back to the data's units first
     * (the official code decodes with its normaliser before the loss, main.py:163-165); the ratio is not shift-invariant.
     */
    public static NDArray relativeL2(NDArray predictions, NDArray targets, double scale, double shift) {
        long n = predictions.getShape().get(0);
        NDArray p = Scalars.add(Scalars.mul(predictions.reshape(n, -1), scale), shift);
        NDArray t = Scalars.add(Scalars.mul(targets.toType(predictions.getDataType(), false).reshape(n, -1), scale), shift);
        NDArray d = p.sub(t);
        return d.mul(d).sum(new int[] {1}).sqrt().div(t.mul(t).sum(new int[] {1}).sqrt()).mean();
    }
}
