package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.nd.Scalars;

/**
 * {@code W(y, y')} = debiased Sinkhorn divergence between the class-conditional samples, all class pairs
 * solved as one batch.
 */
final class ExactLabelDistance implements LabelDistance {

    private final SinkhornOptions options;

    ExactLabelDistance(SinkhornOptions options) {
        this.options = options;
    }

    /** The classes, their self-transport values {@code OT_ε(α_k, α_k)} and their bounding boxes {@code (K, D)}. */
    record Classes(ClassGroups groups, NDArray selfValues, BoundingBox boxes) implements Prepared {
        @Override
        public int classCount() {
            return groups.classCount();
        }

        @Override
        public java.util.List<NDArray> arrays() {
            java.util.List<NDArray> all = new java.util.ArrayList<>(java.util.List.of(groups.points(), groups.logWeights(), selfValues));
            all.addAll(boxes.arrays());
            return all;
        }
    }

    @Override
    public Prepared prepare(ClassGroups groups) {
        NDArray cost = Costs.squaredEuclidean(groups.points(), groups.points());
        NDArray f = Sinkhorn.solveSymmetric(cost, groups.logWeights(), options);
        return new Classes(groups, Sinkhorn.symmetricValue(cost, groups.logWeights(), f, options.epsilon()),
                BoundingBox.of(groups.points(), groups.logWeights()));
    }

    /** Only the K(K−1)/2 distinct pairs are solved; the matrix is assembled by one-hot products. */
    @Override
    public NDArray within(Prepared prepared) {
        Classes c = (Classes) prepared;
        int k = c.classCount();
        if (k == 1) {
            return c.selfValues().getManager().zeros(new Shape(1, 1), c.selfValues().getDataType());
        }
        int pairs = k * (k - 1) / 2;
        long[] first = new long[pairs];
        long[] second = new long[pairs];
        float[] firstHot = new float[pairs * k];
        float[] secondHot = new float[pairs * k];
        for (int i = 0, p = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++, p++) {
                first[p] = i;
                second[p] = j;
                firstHot[p * k + i] = 1;
                secondHot[p * k + j] = 1;
            }
        }
        var manager = c.selfValues().getManager();
        var type = c.selfValues().getDataType();
        NDArray i = manager.create(first);
        NDArray j = manager.create(second);
        NDArray a = c.groups().points().get(i);
        NDArray b = c.groups().points().get(j);
        NDArray logA = c.groups().logWeights().get(i);
        NDArray logB = c.groups().logWeights().get(j);
        NDArray cost = Costs.squaredEuclidean(a, b);
        double[] diameters = BoundingBox.diameters(c.boxes().get(i), c.boxes().get(j), 0);
        NDArray values = Sinkhorn.transport(cost, logA, logB, diameters, options)
                .sub(Scalars.mul(c.selfValues().get(i).add(c.selfValues().get(j)), 0.5));
        NDArray eI = manager.create(firstHot, new Shape(pairs, k)).toType(type, false);
        NDArray eJ = manager.create(secondHot, new Shape(pairs, k)).toType(type, false);
        NDArray upper = eI.transpose().matMul(eJ.mul(values.expandDims(1)));
        return upper.add(upper.transpose());
    }

    @Override
    public NDArray between(Prepared first, Prepared second) {
        Classes a = (Classes) first;
        Classes b = (Classes) second;
        int ka = a.classCount();
        int kb = b.classCount();
        Shape pa = a.groups().points().getShape();
        Shape pb = b.groups().points().getShape();
        // (Ka, 1, na, D) against (1, Kb, nb, D): every class pair at once, flattened to a batch of Ka*Kb problems.
        NDArray cost = Costs.squaredEuclidean(a.groups().points().expandDims(1), b.groups().points().expandDims(0))
                .reshape(ka * kb, pa.get(1), pb.get(1));
        NDArray logA = a.groups().logWeights().expandDims(1).broadcast(ka, kb, pa.get(1)).reshape(ka * kb, pa.get(1));
        NDArray logB = b.groups().logWeights().expandDims(0).broadcast(ka, kb, pb.get(1)).reshape(ka * kb, pb.get(1));
        double[] diameters = BoundingBox.diameters(a.boxes().expand(1), b.boxes().expand(0), 0); // (Ka, Kb), row-major
        NDArray cross = Sinkhorn.transport(cost, logA, logB, diameters, options).reshape(ka, kb);
        NDArray selfTerms = a.selfValues().expandDims(1).add(b.selfValues().expandDims(0));
        return cross.sub(Scalars.mul(selfTerms, 0.5));
    }
}
