package dev.orca.trainer.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
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
import java.util.Arrays;

/**
 * OTDD value + gradient for ORCA's class-wise calls: a batch of target points of one class against the
 * whole prepared source, as the alignment stage does it. Not a test: run {@code trainer/bench/otdd.sh}.
 *
 * <p>Data: class-conditional Gaussians, printed with every other parameter so the computation can be
 * repeated elsewhere. A float64 solve at a 1e-9 tolerance gives the exact value the fast one is checked
 * against.
 *
 * <p>Arguments (key=value): {@code variant=exact|gaussian sourceN=5000 classes=10 batch=128 dim=384
 * epsilon=0.1 tolerance=1e-4 scaling=0.5 calls=10 seed=0 dump=<dir>}. With {@code dump}, the source and the last
 * call's target are written there as {@code .npy} for the POT reference ({@code bench/run otdd-vs-pot}).
 */
public final class OtddBenchmark {

    public static void main(String[] args) throws java.io.IOException {
        var p = new java.util.HashMap<String, String>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            p.put(kv[0], kv[1]);
        }
        String variant = p.getOrDefault("variant", "exact");
        int sourceN = Integer.parseInt(p.getOrDefault("sourceN", "5000"));
        int classes = Integer.parseInt(p.getOrDefault("classes", "10"));
        int batch = Integer.parseInt(p.getOrDefault("batch", "128"));
        int dim = Integer.parseInt(p.getOrDefault("dim", "384"));
        double epsilon = Double.parseDouble(p.getOrDefault("epsilon", "0.1"));
        double tolerance = Double.parseDouble(p.getOrDefault("tolerance", "1e-4"));
        double scaling = Double.parseDouble(p.getOrDefault("scaling", "0.5"));
        int calls = Integer.parseInt(p.getOrDefault("calls", "10"));
        long seed = Long.parseLong(p.getOrDefault("seed", "0"));
        String dump = p.get("dump");
        float meanStd = 0.1f;
        float withinStd = 0.1f;

        OtddOptions.LabelCost cost = variant.equals("gaussian") ? OtddOptions.LabelCost.GAUSSIAN : OtddOptions.LabelCost.EXACT;
        OtddOptions options = new OtddOptions(new SinkhornOptions(epsilon, tolerance, 2000, scaling), 1, 1, cost, true);
        System.out.printf("OTDD %s (debiased), source %d points in %d classes (balanced), class-wise target batch %d, D %d%n",
                variant, sourceN, classes, batch, dim);
        System.out.printf("data: per class mean ~ N(0, %.2f^2 I), points = mean + N(0, %.2f^2 I); target class means drawn"
                + " the same way (seed %d)%n", meanStd, withinStd, seed);
        System.out.printf("point cost |x-x'|^2 + W(y,y'), eps %.3g (absolute), tolerance %.1e (max relative marginal"
                + " violation), eps-scaling %.2f, label gradient on, float32, GLIBC_TUNABLES=%s LD_PRELOAD=%s%n",
                epsilon, tolerance, scaling, System.getenv("GLIBC_TUNABLES"), System.getenv("LD_PRELOAD"));

        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            int[] sourceLabels = new int[sourceN];
            for (int i = 0; i < sourceN; i++) {
                sourceLabels[i] = i % classes;
            }
            NDArray sourceMeans = manager.randomNormal(0, meanStd, new Shape(classes, dim), DataType.FLOAT32);
            NDArray source = sourceMeans.get(manager.create(Arrays.stream(sourceLabels).asLongStream().toArray()))
                    .add(manager.randomNormal(0, withinStd, new Shape(sourceN, dim), DataType.FLOAT32));
            NDArray targetMeans = manager.randomNormal(0, meanStd, new Shape(classes, dim), DataType.FLOAT32);

            long start = System.nanoTime();
            OtddSource prepared = OtddSource.prepare(source, sourceLabels, options);
            System.out.printf("source preparation (once per source dataset, cacheable): %.2f s%n", (System.nanoTime() - start) / 1e9);

            double total = 0;
            double lastValue = 0;
            NDArray lastTarget = null;
            int[] targetLabels = new int[batch];
            for (int call = -2; call < calls; call++) {
                int cls = Math.floorMod(call, classes);
                Arrays.fill(targetLabels, cls);
                NDArray target = targetMeans.get(cls).expandDims(0)
                        .add(manager.randomNormal(0, withinStd, new Shape(batch, dim), DataType.FLOAT32));
                target.setRequiresGradient(true);
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray value = Otdd.distance(prepared, target, targetLabels);
                        gc.backward(value);
                        lastValue = Scalars.value(value);
                    }
                    target.getGradient().toFloatArray();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (call >= 0) {
                    total += seconds;
                }
                lastTarget = target;
            }
            System.out.printf("value + gradient: %.3f s per class-wise call (mean of %d after 2 warm-up), %.2f s per %d-class epoch%n",
                    total / calls, calls, total / calls * classes, classes);
            System.out.printf("peak RSS %d MiB%n", MemoryStats.peakRssMiB());

            OtddOptions exact = new OtddOptions(new SinkhornOptions(epsilon, 1e-9, 100000, scaling), 1, 1, cost, true);
            OtddSource exactSource = OtddSource.prepare(source.toType(DataType.FLOAT64, false), sourceLabels, exact);
            double reference = Scalars.value(Otdd.distance(exactSource, lastTarget.stopGradient().toType(DataType.FLOAT64, false),
                    targetLabels));
            System.out.printf("last call: value %.6f, exact (float64, tolerance 1e-9) %.6f, relative error %.2e%n",
                    lastValue, reference, Math.abs(lastValue - reference) / Math.abs(reference));
            if (dump != null) {
                Files.createDirectories(Path.of(dump));
                writeNpy(Path.of(dump, "source.npy"), source);
                writeNpy(Path.of(dump, "target.npy"), lastTarget.stopGradient());
                writeNpy(Path.of(dump, "target-gradient.npy"), lastTarget.getGradient());
                Npy.write(Path.of(dump, "source-labels.npy"), labels(sourceLabels));
                Npy.write(Path.of(dump, "target-labels.npy"), labels(targetLabels));
                System.out.println("wrote the source and the last call's target to " + dump);
            }
        }
    }

    private static void writeNpy(Path file, NDArray array) {
        Npy.write(file, new DataArray(file.toString(), array.getShape().getShape(), array.toFloatArray()));
    }

    private static DataArray labels(int[] labels) {
        float[] values = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            values[i] = labels[i];
        }
        return new DataArray("labels", new long[] {labels.length}, values);
    }
}
