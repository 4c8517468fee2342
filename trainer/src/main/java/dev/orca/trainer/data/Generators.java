package dev.orca.trainer.data;

import dev.orca.crd.OrcaExperimentSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The built-in task generators, by the name {@code spec.task.data.generator.name} gives (the CRD's pattern lists the same). */
public final class Generators {
    private Generators() {}

    /** One generator: examples from its settings and the experiment's seed. */
    @FunctionalInterface
    public interface Generator {
        RawData generate(OrcaExperimentSpec.Generator settings, int samples, long seed);
    }

    /**
     * How many floats a generator's output holds for given settings and sample count, computed in exact arithmetic
     * ({@link ArithmeticException} on overflow) so that sizes are refused before anything is allocated.
     */
    @FunctionalInterface
    interface Footprint {
        long floats(OrcaExperimentSpec.Generator settings, int samples);
    }

    private record Entry(Generator generator, Footprint footprint) {}

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();

    static {
        // tokens (n, length) and their one-hot copy (n, vocabulary, length)
        BY_NAME.put("listops", new Entry(Generators::listOps,
                (g, n) -> Math.multiplyExact(Math.multiplyExact((long) n, listOpsLength(g)), ListOps.VOCABULARY + 1L)));
        // coefficients and solutions, (n, 1, r, r) each
        BY_NAME.put("darcy-flow", new Entry((g, samples, seed) -> {
            DarcyFlow.Samples s = DarcyFlow.generate(samples, darcyResolution(g), seed);
            return RawData.of(s.coefficients(), s.solutions());
        }, (g, n) -> Math.multiplyExact(2L * n, Math.multiplyExact((long) darcyResolution(g), darcyResolution(g)))));
        // the projected images (n, 1, 2b, 2b), 2b being the resolution
        Footprint sphere = (g, n) -> Math.multiplyExact((long) n, Math.multiplyExact((long) sphereSide(g), sphereSide(g)));
        BY_NAME.put("spherical-mnist", new Entry(Generators::spherical, sphere));
        BY_NAME.put("spherical-fashion-mnist", new Entry(Generators::spherical, sphere));
    }

    public static RawData generate(OrcaExperimentSpec.Generator g, long seed) {
        Entry entry = BY_NAME.get(g.name);
        if (entry == null) {
            throw new IllegalArgumentException("spec.task.data.generator.name: " + g.name + " is not available in this build ("
                    + String.join(", ", BY_NAME.keySet()) + " are)");
        }
        int samples = g.samples == null ? 1000 : g.samples;
        String sizes = "spec.task.data.generator.samples (" + samples + ") x resolution ("
                + (g.resolution == null ? "default" : g.resolution) + ")";
        long bytes;
        try {
            bytes = Math.multiplyExact(4L, entry.footprint().floats(g, samples));
        } catch (ArithmeticException overflow) {
            bytes = -1; // more than a long can count: refused below as an impossible amount
        }
        DataLimits.fits(sizes, bytes, g.name + "'s " + samples + " examples");
        return entry.generator().generate(g, samples, seed);
    }

    private static int listOpsLength(OrcaExperimentSpec.Generator g) {
        return g.resolution == null ? 128 : g.resolution;
    }

    private static int darcyResolution(OrcaExperimentSpec.Generator g) {
        return g.resolution == null ? 85 : g.resolution;
    }

    private static int sphereSide(OrcaExperimentSpec.Generator g) {
        return 2 * ((g.resolution == null ? 60 : g.resolution) / 2);
    }

    private static RawData listOps(OrcaExperimentSpec.Generator g, int samples, long seed) {
        int length = listOpsLength(g);
        int depth = Integer.parseInt(g.options.getOrDefault("maxDepth", "6"));
        int args = Integer.parseInt(g.options.getOrDefault("maxArgs", "5"));
        int minLength = Integer.parseInt(g.options.getOrDefault("minLength", Integer.toString(Math.max(5, length / 4))));
        ListOps.Samples s = ListOps.generate(samples, depth, args, minLength, length, seed);
        return RawData.of(oneHot(s.tokens(), ListOps.VOCABULARY), s.labels());
    }

    private static RawData spherical(OrcaExperimentSpec.Generator g, int samples, long seed) {
        String images = g.options.get("images");
        String labels = g.options.get("labels");
        if (images == null && g.name.equals("spherical-fashion-mnist")) {
            images = Volumes.FASHION_MNIST + "train-images-idx3-ubyte.gz";
            labels = labels != null ? labels : Volumes.FASHION_MNIST + "train-labels-idx1-ubyte.gz";
        }
        if (images == null || labels == null) {
            throw new IllegalArgumentException("spec.task.data.generator.options: " + g.name
                    + " needs options images and labels (IDX files of the planar set)");
        }
        DataArray planar = Idx.read(Volumes.path(images));
        DataArray planarLabels = Idx.read(Volumes.path(labels));
        int n = (int) Math.min(samples, planar.examples());
        int bandwidth = sphereSide(g) / 2;
        return RawData.of(SphericalProjection.project(firstRows(planar, n), bandwidth, seed, true), firstRows(planarLabels, n));
    }

    private static DataArray firstRows(DataArray a, int n) {
        long[] shape = a.shape().clone();
        int width = (int) (a.values().length / Math.max(1, a.examples()));
        shape[0] = n;
        return new DataArray(a.source(), shape, Arrays.copyOf(a.values(), n * width));
    }

    private static DataArray oneHot(DataArray tokens, int vocabulary) {
        int n = (int) tokens.shape()[0];
        int length = (int) tokens.shape()[1];
        float[] out = new float[n * vocabulary * length];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < length; t++) {
                int v = (int) tokens.values()[i * length + t];
                out[(i * vocabulary + v) * length + t] = 1f;
            }
        }
        return new DataArray(tokens.source() + " (one-hot)", new long[] {n, vocabulary, length}, out);
    }
}
