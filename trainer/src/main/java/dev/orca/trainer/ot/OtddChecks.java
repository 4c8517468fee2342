package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/** Input checks shared by every OTDD entry point: clear errors before any solve starts. */
final class OtddChecks {
    private OtddChecks() {}

    static void features(NDArray features, int[] labels, String what) {
        if (features.getShape().dimension() != 2) {
            throw new IllegalArgumentException(what + " features must be (n, D), got " + features.getShape());
        }
        long n = features.getShape().get(0);
        if (n == 0) {
            throw new IllegalArgumentException(what + " dataset is empty");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(what + " has " + n + " feature rows but " + labels.length + " labels");
        }
        try (NDScope scope = new NDScope()) {
            NDArray x = features.stopGradient();
            NDArray badRows = x.isNaN().logicalOr(x.isInfinite()).toType(ai.djl.ndarray.types.DataType.INT32, false)
                    .sum(new int[] {1});
            if (dev.orca.trainer.nd.Scalars.value(badRows.max()) > 0) {
                long row = badRows.argMax().getLong();
                throw new IllegalArgumentException(what + " features contain NaN or infinity (first at row " + row + ")");
            }
        }
    }
}
