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

    private static final Map<String, Generator> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("listops", Generators::listOps);
        BY_NAME.put("darcy-flow", (g, samples, seed) -> {
            DarcyFlow.Samples s = DarcyFlow.generate(samples, g.resolution == null ? 85 : g.resolution, seed);
            return RawData.of(s.coefficients(), s.solutions());
        });
        BY_NAME.put("spherical-mnist", Generators::spherical);
        BY_NAME.put("spherical-fashion-mnist", Generators::spherical);
    }

    public static RawData generate(OrcaExperimentSpec.Generator g, long seed) {
        Generator generator = BY_NAME.get(g.name);
        if (generator == null) {
            throw new IllegalArgumentException("spec.task.data.generator.name: " + g.name + " is not available in this build ("
                    + String.join(", ", BY_NAME.keySet()) + " are)");
        }
        return generator.generate(g, g.samples == null ? 1000 : g.samples, seed);
    }

    private static RawData listOps(OrcaExperimentSpec.Generator g, int samples, long seed) {
        int length = g.resolution == null ? 128 : g.resolution;
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
        int bandwidth = (g.resolution == null ? 60 : g.resolution) / 2;
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
