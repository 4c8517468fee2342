package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.nd.Scalars;

/**
 * The fixed side of OTDD: the proxy source dataset with everything that does not depend on the target
 * computed once: its classes prepared for the label distance, the source–source label distances
 * {@code W(y, y')} and the source self-transport {@code OT_ε(S, S)} of the debiased divergence. The last
 * two are the most expensive parts of an OTDD call (a 5000 × 5000 problem at ORCA's size) and can be
 * restored from {@link OtddSourceCache} across calls and experiments.
 */
public final class OtddSource {

    final NDArray features;
    final LabelledCloud cloud;
    final NDArray oneHot;
    final LabelDistance labelDistance;
    final LabelDistance.Prepared classes;
    final NDArray labelDistances;
    final double selfValue;
    final OtddOptions options;
    final BoundingBox box;

    private OtddSource(NDArray features, LabelledCloud cloud, NDArray oneHot, LabelDistance labelDistance,
                       LabelDistance.Prepared classes, NDArray labelDistances, double selfValue, OtddOptions options) {
        this.features = features;
        this.cloud = cloud;
        this.oneHot = oneHot;
        this.labelDistance = labelDistance;
        this.classes = classes;
        this.labelDistances = labelDistances;
        this.selfValue = selfValue;
        this.options = options;
        this.box = BoundingBox.of(features);
    }

    /** Prepares a source dataset, computing its source–source terms. */
    public static OtddSource prepare(NDArray features, int[] labels, OtddOptions options) {
        return prepare(features, labels, options, null);
    }

    /**
     * Prepares a source dataset; the source–source terms come from {@code cache} when present there and
     * are stored into it otherwise ({@code cache} may be null).
     */
    public static OtddSource prepare(NDArray features, int[] labels, OtddOptions options, OtddSourceCache cache) {
        OtddChecks.features(features, labels, "source");
        NDArray fixed = features.stopGradient();
        LabelledCloud cloud = new LabelledCloud(labels, "source labels");
        LabelDistance labelDistance = LabelDistance.of(options);
        OtddSourceCache.Entry cached = cache == null ? null : cache.find(fixed, labels, options);
        NDManager manager = fixed.getManager();
        NDArray oneHot = cloud.oneHot(manager, fixed.getDataType());
        LabelDistance.Prepared classes;
        NDArray labelDistances;
        double selfValue;
        try (NDScope scope = new NDScope()) {
            classes = labelDistance.prepare(ClassGroups.of(cloud, fixed));
            if (cached != null) {
                labelDistances = manager.create(cached.labelDistances()).toType(fixed.getDataType(), false);
                selfValue = cached.selfValue();
            } else {
                labelDistances = labelDistance.within(classes);
                NDArray cost = pointCost(fixed, oneHot, fixed, oneHot, labelDistances, options);
                NDArray logA = Sinkhorn.uniformLogWeights(manager, 1, cloud.size(), fixed.getDataType());
                NDArray f = Sinkhorn.solveSymmetric(cost, logA, options.sinkhorn());
                selfValue = Scalars.value(Sinkhorn.symmetricValue(cost, logA, f, options.sinkhorn().epsilon()));
                if (cache != null) {
                    cache.store(fixed, labels, options, new OtddSourceCache.Entry(toMatrix(labelDistances), selfValue));
                }
            }
            keep(classes);
            NDScope.unregister(labelDistances);
        }
        return new OtddSource(fixed, cloud, oneHot, labelDistance, classes, labelDistances, selfValue, options);
    }

    /** Keeps a prepared class set's arrays alive beyond the preparing scope. */
    private static void keep(LabelDistance.Prepared prepared) {
        for (NDArray array : LabelDistance.arraysOf(prepared)) {
            NDScope.unregister(array);
        }
    }

    /** {@code λx ‖x − x'‖² + λy W(y, y')} as a batch of one, {@code (1, n, m)}. */
    static NDArray pointCost(NDArray x, NDArray xOneHot, NDArray y, NDArray yOneHot, NDArray labelDistances,
                             OtddOptions options) {
        NDArray features = Scalars.mul(Costs.squaredEuclidean(x, y), options.lambdaX());
        NDArray labels = Scalars.mul(xOneHot.matMul(labelDistances).matMul(yOneHot.transpose()), options.lambdaY());
        return features.add(labels).expandDims(0);
    }

    static NDArray zeroDiagonal(NDArray square) {
        long k = square.getShape().get(0);
        NDArray eye = square.getManager().eye((int) k).toType(square.getDataType(), false);
        return square.mul(Scalars.rsub(1.0, eye));
    }

    private static double[][] toMatrix(NDArray square) {
        Shape s = square.getShape();
        float[] values = square.toFloatArray();
        double[][] out = new double[(int) s.get(0)][(int) s.get(1)];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = values[i * out[i].length + j];
            }
        }
        return out;
    }

    /** The source features {@code (N, D)}, detached. */
    public NDArray features() {
        return features;
    }

    /** The source label of every point. */
    public int[] labels() {
        int[] out = new int[cloud.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cloud.classes[cloud.classOf[i]];
        }
        return out;
    }

    public int size() {
        return cloud.size();
    }

    public int classCount() {
        return cloud.classCount();
    }

    public long dimension() {
        return features.getShape().get(1);
    }

    /** Source–source label distances {@code (K, K)}. */
    public NDArray labelDistances() {
        return labelDistances;
    }

    /** {@code OT_ε(S, S)} under the OTDD point cost. */
    public double selfValue() {
        return selfValue;
    }

    public OtddOptions options() {
        return options;
    }
}
