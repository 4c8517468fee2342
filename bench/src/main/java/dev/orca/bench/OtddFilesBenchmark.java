package dev.orca.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.ot.Otdd;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.OtddSource;
import dev.orca.trainer.ot.SinkhornOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OTDD value + gradient of ORCA's class-wise calls on files in the shared reference layout: {@code src_X.npy}
 * {@code (N, D)}, {@code src_y.npy} {@code (N)}, {@code tgt_X.npy} {@code (T, n, D)} — one call per target batch,
 * every target point labelled 0, as ORCA's {@code otdd()} calls microsoft/otdd. With a {@code reference.json}
 * beside them (the shared case has one), each value is printed with its relative difference to the reference's.
 * Not a test: {@code bench/run otdd-files <dir> [variant=exact|gaussian] [schedule=annealed|converged]
 * [cost=halved|full] [labelGradient=false|true] [repeats=3]}.
 */
public final class OtddFilesBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: otdd-files <dir> [variant=exact|gaussian] [schedule=annealed|converged] [cost=halved|full]"
                    + " [labelGradient=false|true] [repeats=3]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        var p = new java.util.HashMap<String, String>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("expected key=value, got " + args[i]);
            }
            p.put(kv[0], kv[1]);
        }
        boolean gaussian = p.getOrDefault("variant", "exact").equals("gaussian");
        OtddOptions options = OtddOptions.DEFAULT
                .withLabelCost(gaussian ? OtddOptions.LabelCost.GAUSSIAN : OtddOptions.LabelCost.EXACT)
                .withSinkhorn(OtddOptions.DEFAULT.sinkhorn().withSchedule(
                        SinkhornOptions.Schedule.valueOf(p.getOrDefault("schedule", "annealed").toUpperCase())))
                .withCostWeight(p.getOrDefault("cost", "halved").equals("full") ? 1 : OtddOptions.GEOMLOSS_WEIGHT)
                .withLabelGradient(Boolean.parseBoolean(p.getOrDefault("labelGradient", "false")));
        int repeats = Integer.parseInt(p.getOrDefault("repeats", "3"));
        double[] expected = referenceValues(dir, gaussian);

        DataArray x = Npy.read(dir.resolve("src_X.npy"));
        DataArray y = Npy.read(dir.resolve("src_y.npy"));
        DataArray t = Npy.read(dir.resolve("tgt_X.npy"));
        System.out.printf("OTDD on %s: source %s, targets %s; %s%n", dir, java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(t.shape()), options);
        System.out.printf("threads: %s intra-op; LD_PRELOAD=%s MALLOC_CONF=%s%n", System.getProperty("ai.djl.pytorch.num_threads",
                "default"), System.getenv("LD_PRELOAD"), System.getenv("MALLOC_CONF"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sourceX = m.create(x.values(), new Shape(x.shape()));
            long start = System.nanoTime();
            OtddSource source = OtddSource.prepare(sourceX, y.asLabels(), options);
            double preparation = (System.nanoTime() - start) / 1e9;
            NDArray targets = m.create(t.values(), new Shape(t.shape()));
            int batches = (int) t.shape()[0];
            int[] labels = new int[(int) t.shape()[1]];
            call(source, targets.get(0), labels); // warm-up
            double sum = 0;
            double worst = 0;
            for (int b = 0; b < batches; b++) {
                double best = Double.POSITIVE_INFINITY;
                double value = 0;
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    value = call(source, targets.get(b), labels);
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
                sum += best;
                String versus = "";
                if (expected != null && b < expected.length) {
                    double rel = (value - expected[b]) / expected[b];
                    worst = Math.max(worst, Math.abs(rel));
                    versus = String.format(" reference %.6f relative %+.2e", expected[b], rel);
                }
                System.out.printf("class %d value %.6f time %.3f s%s%n", b, value, best, versus);
            }
            System.out.printf("mean %.3f s per class-wise call (value + gradient, best of %d each)%n", sum / batches, repeats);
            System.out.printf("source preparation %.2f s%n", preparation);
            if (expected != null) {
                System.out.printf("largest relative difference to the reference %.2e%n", worst);
            }
            System.out.printf("peak RSS %d MiB%n", MemoryStats.peakRssMiB());
        }
    }

    private static double call(OtddSource source, NDArray batch, int[] labels) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray target = batch.duplicate();
            target.setRequiresGradient(true);
            double value;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray d = Otdd.distance(source, target, labels);
                gc.backward(d);
                value = Scalars.value(d);
            }
            target.getGradient().toFloatArray();
            return value;
        }
    }

    private static double[] referenceValues(Path dir, boolean gaussian) throws java.io.IOException {
        Path file = dir.resolve("reference.json");
        if (!Files.exists(file)) {
            return null;
        }
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile())
                .get(gaussian ? "values_gaussian_approx" : "values_exact");
        if (node == null) {
            return null;
        }
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }
}
