package dev.orca.trainer.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that stay alive for autograd.
 *
 * <p>Why this exists: DJL 0.36's {@code NDArray.mul(Number)}, {@code add(Number)} and friends wrap the
 * scalar in a tensor over Java memory and close it immediately; PyTorch's autograd still reads it in
 * backward, so after a GC the gradient silently becomes garbage (20 of 20 runs of {@code x.div(2f).mul(3f)} went wrong). Every scalar that may
 * take part in a differentiated expression goes through here: the tensor belongs to the operand's
 * manager (and the current {@code NDScope}), so it lives at least until the step's arrays are closed.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d tensor holding {@code value}, on {@code like}'s device and of its data type. */
    public static NDArray scalarLike(NDArray like, double value) {
        NDManager manager = like.getManager();
        return manager.full(new Shape(), (float) value, like.getDataType()).toDevice(like.getDevice(), false);
    }

    /** The value of a one-element array of any floating type. */
    public static double value(NDArray x) {
        return x.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    public static NDArray mul(NDArray x, double value) {
        return x.mul(scalarLike(x, value));
    }

    public static NDArray div(NDArray x, double value) {
        return x.div(scalarLike(x, value));
    }

    public static NDArray add(NDArray x, double value) {
        return x.add(scalarLike(x, value));
    }

    public static NDArray sub(NDArray x, double value) {
        return x.sub(scalarLike(x, value));
    }

    /** {@code value - x}. */
    public static NDArray rsub(double value, NDArray x) {
        return scalarLike(x, value).sub(x);
    }

    public static NDArray pow(NDArray x, double exponent) {
        return x.pow(scalarLike(x, exponent));
    }

    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(scalarLike(x, value));
    }
}
