package dev.orca.trainer.ot;

/**
 * Settings of the optimal transport dataset distance.
 *
 * @param sinkhorn      entropic OT settings for both the label-to-label and the outer problems
 * @param lambdaX       weight of the feature term {@code ‖x − x'‖²} in the point cost
 * @param lambdaY       weight of the label term {@code W(y, y')} in the point cost
 * @param labelCost     how label-to-label distances are computed
 * @param labelGradient let gradients flow through {@code W(y, y')} (microsoft/otdd treats it as a constant)
 */
public record OtddOptions(SinkhornOptions sinkhorn, double lambdaX, double lambdaY, LabelCost labelCost,
                          boolean labelGradient) {

    /** Label-to-label distance between class-conditional feature distributions. */
    public enum LabelCost {
        /** Debiased entropic OT between the class-conditional samples ("otdd-exact"). */
        EXACT,
        /** 2-Wasserstein between Gaussians fitted to the classes: means and Bures term ("otdd-gaussian"). */
        GAUSSIAN
    }

    public static final OtddOptions DEFAULT = new OtddOptions(SinkhornOptions.DEFAULT, 1, 1, LabelCost.EXACT, true);

    public OtddOptions {
        if (sinkhorn == null || labelCost == null) {
            throw new IllegalArgumentException("sinkhorn and labelCost are required");
        }
        if (!(lambdaX >= 0) || !(lambdaY >= 0) || lambdaX + lambdaY == 0) {
            throw new IllegalArgumentException("lambdaX and lambdaY must be >= 0 and not both 0, got "
                    + lambdaX + ", " + lambdaY);
        }
    }

    public OtddOptions withLabelCost(LabelCost cost) {
        return new OtddOptions(sinkhorn, lambdaX, lambdaY, cost, labelGradient);
    }

    public OtddOptions withLabelGradient(boolean flows) {
        return new OtddOptions(sinkhorn, lambdaX, lambdaY, labelCost, flows);
    }
}
