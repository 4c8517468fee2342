package dev.orca.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.nd.Autocast;
import dev.orca.trainer.train.ParameterUpdater;
import java.util.ArrayList;
import java.util.List;

/**
 * One full fine-tuning step of a pretrained body (forward, backward, AdamW) at a fixed batch, timed
 * after warm-up. Not a test: run with {@code bench/run body-step}.
 *
 * <p>Arguments: {@code [checkpoint] [batch] [length] [steps] [fp32|bf16]}; defaults: bundled MiniLM, 16, 128, 10, fp32.
 * bf16: the products in bfloat16 with fp32 master weights, as {@code finetune.precision: bf16} trains ({@link Autocast}).
 */
public final class BodyStepBenchmark {

    public static void main(String[] args) {
        String reference = args.length > 0 ? args[0] : BodyCheckpoints.DEFAULT;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int length = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String precision = args.length > 4 ? args[4] : "fp32";
        if (!precision.equals("fp32") && !precision.equals("bf16")) {
            throw new IllegalArgumentException("precision must be fp32 or bf16, got " + precision);
        }
        boolean bf16 = precision.equals("bf16");
        int warmup = 3;

        BodyCheckpoint checkpoint = BodyCheckpoints.load(reference);
        System.out.printf("body %s %s%nbatch %d x seq %d, %s products, AdamW lr 1e-5 wd 0.01, %d warm-up + %d timed steps, "
                        + "intra-op threads %s, GLIBC_TUNABLES=%s, LD_PRELOAD=%s%n",
                reference, checkpoint.config(), batch, length, precision, warmup, steps,
                Engine.getInstance().getEngineName() + "/" + System.getProperty("ai.djl.pytorch.num_threads", "default"),
                System.getenv("GLIBC_TUNABLES"), System.getenv("LD_PRELOAD"));
        try (NDManager manager = NDManager.newBaseManager()) {
            TextBody body = PretrainedBodies.create(checkpoint, manager);
            List<Parameter> params = new ArrayList<>();
            body.getParameters().forEach(p -> params.add(p.getValue()));
            ParameterUpdater updater = new ParameterUpdater(ParameterUpdater.Kind.ADAMW, params, 0.01, 0);
            ParameterStore store = new ParameterStore(manager, false);
            Engine.getInstance().setRandomSeed(0);
            NDArray ids = manager.randomInteger(1000, checkpoint.config().vocabSize(), new Shape(batch, length), DataType.INT64);
            NDArray mask = manager.ones(new Shape(batch, length), DataType.INT64);
            NDArray target = manager.randomNormal(new Shape(batch, length, checkpoint.config().hidden()));

            long total = 0;
            List<Double> stepSeconds = new ArrayList<>();
            long faultsAtStart = 0;
            long forwardTotal = 0;
            long updateTotal = 0;
            for (int step = 0; step < warmup + steps; step++) {
                if (step == warmup) {
                    faultsAtStart = MemoryStats.minorFaults();
                }
                long start = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                         Autocast.Scope products = Autocast.bf16(bf16)) {
                        if (bf16 && !Autocast.bf16Active()) throw new IllegalStateException("bf16 products are not available");
                        NDArray out = body.forward(store, new NDList(ids, mask), true).singletonOrThrow();
                        NDArray diff = out.sub(target);
                        NDArray loss = diff.mul(diff).mean();
                        loss.getFloat(); // forward done
                        if (step >= warmup) {
                            forwardTotal += System.nanoTime() - start;
                        }
                        collector.backward(loss);
                    }
                }
                long beforeUpdate = System.nanoTime();
                updater.step(1e-5);
                long elapsed = System.nanoTime() - start;
                if (step >= warmup) {
                    updateTotal += System.nanoTime() - beforeUpdate;
                    total += elapsed;
                    stepSeconds.add(elapsed / 1e9);
                }
            }
            long faults = MemoryStats.minorFaults() - faultsAtStart;
            var stats = stepSeconds.stream().mapToDouble(t -> t).summaryStatistics();
            double mean = stats.getAverage();
            double sd = Math.sqrt(stepSeconds.stream().mapToDouble(t -> (t - mean) * (t - mean)).sum()
                    / Math.max(1, steps - 1));
            System.out.printf(precision + " forward+backward+AdamW: mean %.3f s/step, best %.3f s/step, peak RSS %d MiB%n",
                    mean, stats.getMin(), MemoryStats.peakRssMiB());
            System.out.printf("  spread: sd %.3f s, worst %.3f s, mean / best %.2f; minor page faults %d per step (%.0f MiB of"
                            + " fresh pages); steps %s%n", sd, stats.getMax(), mean / stats.getMin(), faults / steps,
                    faults / (double) steps * 4096 / 1048576, stepSeconds.stream().map(t -> String.format("%.3f", t)).toList());
            System.out.printf("  of which forward %.3f s, backward %.3f s, AdamW %.3f s (means)%n",
                    forwardTotal / 1e9 / steps, (total - forwardTotal - updateTotal) / 1e9 / steps, updateTotal / 1e9 / steps);
        }
    }
}
