package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orca.trainer.nd.Scalars;

/**
 * The optimal transport dataset distance (Alvarez-Melis &amp; Fusi, 2020) between a labelled target
 * sample and a prepared {@link OtddSource}: entropic OT between the two datasets under the point cost
 * {@code λx ‖x − x'‖² + λy W(y, y')}, debiased. Differentiable with respect to the target features —
 * through the point cost and, if {@link OtddOptions#labelGradient()}, through the label distances too.
 */
public final class Otdd {
    private Otdd() {}

    /** {@code OTDD(target, source)} as a 0-d array; {@code features (n, D)}, one label per row. */
    public static NDArray distance(OtddSource source, NDArray features, int[] labels) {
        OtddChecks.features(features, labels, "target");
        if (features.getShape().get(1) != source.dimension()) {
            throw new IllegalArgumentException("target features have dimension " + features.getShape().get(1)
                    + " but the source has " + source.dimension());
        }
        OtddOptions options = source.options;
        SinkhornOptions sinkhorn = options.sinkhorn();
        LabelledCloud target = new LabelledCloud(labels, "target labels");
        NDManager manager = features.getManager();
        NDArray forLabels = options.labelGradient() ? features : features.stopGradient();
        LabelDistance.Prepared targetClasses = source.labelDistance.prepare(ClassGroups.of(target, forLabels));
        NDArray targetToSource = source.labelDistance.between(targetClasses, source.classes);
        NDArray withinTarget = source.labelDistance.within(targetClasses);
        NDArray targetOneHot = target.oneHot(manager, features.getDataType());

        NDArray crossCost = OtddSource.pointCost(features, targetOneHot, source.features, source.oneHot, targetToSource, options);
        NDArray selfCost = OtddSource.pointCost(features, targetOneHot, features, targetOneHot, withinTarget, options);
        NDArray logA = Sinkhorn.uniformLogWeights(manager, 1, target.size(), features.getDataType());
        NDArray logB = Sinkhorn.uniformLogWeights(manager, 1, source.size(), features.getDataType());
        // microsoft/otdd appends the label to each point as one more coordinate (source classes 0..K-1, target
        // classes after them), so geomloss's diameter, where its ε-scaling starts, spans that coordinate too.
        double labelRange = source.classCount() + target.classCount() - 1;
        double[] diameter = BoundingBox.diameters(BoundingBox.of(features), source.box, labelRange * labelRange);
        NDArray f = Sinkhorn.solveSymmetric(selfCost, logA, sinkhorn);
        NDArray value = Sinkhorn.transport(crossCost, logA, logB, diameter, sinkhorn)
                .sub(Scalars.mul(Sinkhorn.symmetricValue(selfCost, logA, f, sinkhorn.epsilon()), 0.5));
        return Scalars.sub(value, 0.5 * source.selfValue).squeeze();
    }
}
