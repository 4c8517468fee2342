package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * A labelled point cloud arranged for batched OT: classes are the distinct labels present (an absent
 * label is simply not a class), points grouped per class and padded to the largest class with
 * zero-mass points.
 */
final class LabelledCloud {

    /** Distinct labels, ascending; class k of this cloud is label {@code classes[k]}. */
    final int[] classes;
    /** Class index (into {@link #classes}) of every point. */
    final int[] classOf;
    final int[] counts;
    final int maxCount;
    /** {@code (K, maxCount)} point indices per class, padding repeats index 0. */
    final long[][] members;

    LabelledCloud(int[] labels, String what) {
        if (labels.length == 0) {
            throw new IllegalArgumentException(what + " is empty");
        }
        classes = Arrays.stream(labels).distinct().sorted().toArray();
        if (classes[0] < 0) {
            throw new IllegalArgumentException(what + " has a negative label " + classes[0]);
        }
        classOf = new int[labels.length];
        counts = new int[classes.length];
        for (int i = 0; i < labels.length; i++) {
            classOf[i] = Arrays.binarySearch(classes, labels[i]);
            counts[classOf[i]]++;
        }
        maxCount = Arrays.stream(counts).max().orElse(0);
        members = new long[classes.length][maxCount];
        int[] fill = new int[classes.length];
        for (int i = 0; i < labels.length; i++) {
            members[classOf[i]][fill[classOf[i]]++] = i;
        }
    }

    int size() {
        return classOf.length;
    }

    int classCount() {
        return classes.length;
    }

    /** {@code (K, maxCount, D)}: the points of each class, padded. Differentiable in {@code features}. */
    NDArray grouped(NDArray features) {
        NDManager manager = features.getManager();
        NDArray index = manager.create(members).reshape(-1);
        long d = features.getShape().get(1);
        return features.get(index).reshape(classes.length, maxCount, d);
    }

    /** {@code (K, maxCount)}: log(1/n_k) for members, {@link Sinkhorn#LOG_ZERO} for padding. */
    NDArray groupedLogWeights(NDManager manager, DataType type) {
        double[] values = new double[classes.length * maxCount];
        for (int k = 0; k < classes.length; k++) {
            for (int j = 0; j < maxCount; j++) {
                values[k * maxCount + j] = j < counts[k] ? -Math.log(counts[k]) : Sinkhorn.LOG_ZERO;
            }
        }
        return manager.create(values, new Shape(classes.length, maxCount)).toType(type, false);
    }

    /** {@code (N, K)} one-hot class membership. */
    NDArray oneHot(NDManager manager, DataType type) {
        float[] values = new float[classOf.length * classes.length];
        for (int i = 0; i < classOf.length; i++) {
            values[i * classes.length + classOf[i]] = 1f;
        }
        return manager.create(values, new Shape(classOf.length, classes.length)).toType(type, false);
    }
}
