package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SphericalProjectionTest {

    @Test
    void withoutRotationTheImageCoversTheSouthernCap() {
        float[] ones = new float[2 * 28 * 28];
        Arrays.fill(ones, 1f);
        DataArray sphere = SphericalProjection.project(new DataArray("ones", new long[] {2, 28, 28}, ones), 15, 0, false);
        assertArrayEquals(new long[] {2, 1, 30, 30}, sphere.shape());
        float[] v = sphere.values();
        // Southernmost ring (θ near π) lies inside the image; northernmost ring projects far outside.
        for (int k = 0; k < 30; k++) {
            assertEquals(1f, v[29 * 30 + k], 1e-6, "south ring");
            assertEquals(0f, v[k], "north ring");
        }
        // At the equator z = 0 gives t = 2 and |q| = 2 > 1: the image covers only a cap around the south pole.
        long inside = 0;
        for (int i = 0; i < 900; i++) {
            inside += v[i] > 0 ? 1 : 0;
        }
        assertTrue(inside > 100 && inside < 450, "a cap, not the whole sphere: " + inside);
    }

    @Test
    void rotationsAreProperAndSeeded() {
        double[][] r = SphericalProjection.randomRotation(new Random(5));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < 3; k++) {
                    dot += r[i][k] * r[j][k];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "orthonormal");
            }
        }
        double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        assertEquals(1, det, 1e-12, "a rotation, not a reflection");
        float[] image = new float[28 * 28];
        image[14 * 28 + 14] = 1;
        DataArray one = new DataArray("dot", new long[] {1, 1, 28, 28}, image);
        float[] a = SphericalProjection.project(one, 10, 3, true).values();
        assertArrayEquals(a, SphericalProjection.project(one, 10, 3, true).values());
        assertFalse(Arrays.equals(a, SphericalProjection.project(one, 10, 4, true).values()));
        assertThrows(IllegalArgumentException.class,
                () -> SphericalProjection.project(new DataArray("rgb", new long[] {1, 3, 2, 2}, new float[12]), 10, 0, false));
    }
}
