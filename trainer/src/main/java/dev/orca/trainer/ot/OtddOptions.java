package dev.orca.trainer.ot;

/**
 * Settings of the optimal transport dataset distance. {@link #DEFAULT} is the quantity microsoft/otdd computes
 * for ORCA (sjunhongshen/ORCA {@code src/embedder.py}, {@code otdd()}: exact inner OT, debiased, p = 2,
 * entreg 0.1): geomloss's p = 2 cost convention halves both terms of the point cost
 * (microsoft/otdd {@code batch_augmented_cost}: {@code λx ½‖x − x'‖² + λy W / p}), the label-to-label distances
 * are constants ({@code pwdist_exact} stores {@code .item()}), and every two-measure problem runs geomloss's
 * annealed schedule.
 *
 * @param sinkhorn      entropic OT settings for both the label-to-label and the outer problems
 * @param lambdaX       weight of the feature term {@code ‖x − x'‖²} in the point cost (0.5: geomloss's convention)
 * @param lambdaY       weight of the label term {@code W(y, y')} in the point cost (0.5: geomloss's convention)
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

    /** geomloss's p = 2 convention, {@code C = ½‖x − x'‖²}: the point cost's weights in microsoft/otdd. */
    public static final double GEOMLOSS_WEIGHT = 0.5;

    public static final OtddOptions DEFAULT =
            new OtddOptions(SinkhornOptions.DEFAULT, GEOMLOSS_WEIGHT, GEOMLOSS_WEIGHT, LabelCost.EXACT, false);

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

    public OtddOptions withSinkhorn(SinkhornOptions options) {
        return new OtddOptions(options, lambdaX, lambdaY, labelCost, labelGradient);
    }

    /** Both terms of the point cost scaled by {@code weight}. */
    public OtddOptions withCostWeight(double weight) {
        return new OtddOptions(sinkhorn, weight, weight, labelCost, labelGradient);
    }
}
