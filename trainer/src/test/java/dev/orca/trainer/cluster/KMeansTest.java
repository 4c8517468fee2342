package dev.orca.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KMeansTest {

    /** Points around k well-separated centres; returns them with their true cluster in {@code truth}. */
    private static NDArray blobs(NDManager m, int perCluster, int k, int d, int[] truth) {
        Engine.getInstance().setRandomSeed(3);
        NDArray centres = m.randomNormal(0, 10, new Shape(k, d), ai.djl.ndarray.types.DataType.FLOAT32);
        long[] rows = new long[perCluster * k];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % k;
            truth[i] = i % k;
        }
        return centres.get(m.create(rows)).add(m.randomNormal(new Shape(rows.length, d)));
    }

    private static void assertRecovers(int[] truth, int[] found, int k) {
        Map<Integer, Integer> mapping = new HashMap<>();
        for (int i = 0; i < truth.length; i++) {
            Integer previous = mapping.putIfAbsent(truth[i], found[i]);
            assertEquals(previous == null ? found[i] : previous, found[i], "point " + i + " split from its cluster");
        }
        assertEquals(k, new java.util.HashSet<>(mapping.values()).size(), "clusters are distinct");
    }

    @Test
    void recoversSeparatedClustersDeterministically() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] truth = new int[600];
            NDArray x = blobs(m, 100, 6, 20, truth);
            KMeans.Result a = KMeans.fit(x, 6, 42, 100, 1e-6);
            assertRecovers(truth, a.assignments(), 6);
            assertTrue(a.inertia() < 600 * 20 * 1.5, "inertia near the noise level: " + a.inertia());
            KMeans.Result b = KMeans.fit(x, 6, 42, 100, 1e-6);
            assertArrayEquals(a.assignments(), b.assignments(), "same seed, same clustering");
        }
    }

    @Test
    void miniBatchPathForLargeInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = KMeans.MINI_BATCH_THRESHOLD + 1000;
            int[] truth = new int[n];
            NDArray x = blobs(m, n / 4 + 1, 4, 8, new int[(n / 4 + 1) * 4]).get("0:" + n);
            for (int i = 0; i < n; i++) {
                truth[i] = i % 4;
            }
            KMeans.Result r = KMeans.fit(x, 4, 1, 50, 1e-6);
            assertEquals(n, r.assignments().length);
            assertRecovers(truth, r.assignments(), 4);
        }
    }

    @Test
    void badInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(5, 2));
            assertThrows(IllegalArgumentException.class, () -> KMeans.fit(x, 6, 0, 10, 1e-4));
            assertThrows(IllegalArgumentException.class, () -> KMeans.fit(x, 0, 0, 10, 1e-4));
            NDArray nan = m.create(new float[] {0, Float.NaN, 1, 2}).reshape(2, 2);
            assertThrows(IllegalArgumentException.class, () -> KMeans.fit(nan, 1, 0, 10, 1e-4));
        }
    }
}
