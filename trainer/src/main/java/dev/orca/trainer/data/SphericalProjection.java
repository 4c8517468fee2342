package dev.orca.trainer.data;

import java.util.Random;

/**
 * Planar images projected onto the sphere under random rotations, the way Spherical MNIST / CIFAR are
 * made (Cohen et al., 2018): each point of an equiangular {@code 2b × 2b} grid (θ_j = π(2j + 1)/4b,
 * φ_k = 2πk/2b) is rotated by a random rotation and mapped by stereographic projection from the north
 * pole onto the plane tangent at the south pole, where the image spans {@code [−1, 1]²}; the image is
 * sampled bilinearly there, and points that land outside it are 0.
 */
public final class SphericalProjection {
    private SphericalProjection() {}

    /** {@code images (n, H, W)} (or {@code (n, 1, H, W)}) to {@code (n, 1, 2b, 2b)}; rotations seeded per image. */
    public static DataArray project(DataArray images, int bandwidth, long seed, boolean rotate) {
        long[] s = images.shape();
        int n = (int) s[0];
        int h = (int) s[s.length - 2];
        int w = (int) s[s.length - 1];
        if (s.length < 3 || (s.length == 4 && s[1] != 1) || s.length > 4) {
            throw new IllegalArgumentException(images.source() + ": expected grey images (n, H, W) or (n, 1, H, W), got "
                    + java.util.Arrays.toString(s));
        }
        if (bandwidth < 2) {
            throw new IllegalArgumentException("bandwidth must be >= 2, got " + bandwidth);
        }
        int g = 2 * bandwidth;
        float[] out = new float[n * g * g];
        float[] in = images.values();
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
            double[][] r = rotate ? randomRotation(new Random(seed * 1_000_003L + i)) : new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
            for (int j = 0; j < g; j++) {
                double theta = Math.PI * (2 * j + 1) / (4.0 * bandwidth);
                for (int k = 0; k < g; k++) {
                    double phi = 2 * Math.PI * k / g;
                    double x = Math.sin(theta) * Math.cos(phi);
                    double y = Math.sin(theta) * Math.sin(phi);
                    double z = Math.cos(theta);
                    double px = r[0][0] * x + r[0][1] * y + r[0][2] * z;
                    double py = r[1][0] * x + r[1][1] * y + r[1][2] * z;
                    double pz = r[2][0] * x + r[2][1] * y + r[2][2] * z;
                    out[(i * g + j) * g + k] = sample(in, i, h, w, px, py, pz);
                }
            }
        });
        return new DataArray(images.source() + " (spherical, b=" + bandwidth + ")", new long[] {n, 1, g, g}, out);
    }

    /** Stereographic projection from (0, 0, 1) onto z = −1, then bilinear sampling of image {@code i}. */
    static float sample(float[] images, int i, int h, int w, double x, double y, double z) {
        if (z >= 1 - 1e-12) {
            return 0;
        }
        double t = 2 / (1 - z);
        double qx = t * x;
        double qy = t * y;
        if (Math.abs(qx) > 1 || Math.abs(qy) > 1) {
            return 0;
        }
        double col = (qx + 1) / 2 * (w - 1);
        double row = (qy + 1) / 2 * (h - 1);
        int c0 = (int) Math.floor(col);
        int r0 = (int) Math.floor(row);
        int c1 = Math.min(c0 + 1, w - 1);
        int r1 = Math.min(r0 + 1, h - 1);
        double fc = col - c0;
        double fr = row - r0;
        int base = i * h * w;
        double top = images[base + r0 * w + c0] * (1 - fc) + images[base + r0 * w + c1] * fc;
        double bottom = images[base + r1 * w + c0] * (1 - fc) + images[base + r1 * w + c1] * fc;
        return (float) (top * (1 - fr) + bottom * fr);
    }

    /** A uniformly distributed rotation from a random unit quaternion (Shoemake). */
    static double[][] randomRotation(Random random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble() * 2 * Math.PI;
        double u3 = random.nextDouble() * 2 * Math.PI;
        double a = Math.sqrt(1 - u1) * Math.sin(u2);
        double b = Math.sqrt(1 - u1) * Math.cos(u2);
        double c = Math.sqrt(u1) * Math.sin(u3);
        double d = Math.sqrt(u1) * Math.cos(u3);
        return new double[][] {
            {1 - 2 * (c * c + d * d), 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), 1 - 2 * (b * b + d * d), 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), 1 - 2 * (b * b + c * c)}};
    }
}
