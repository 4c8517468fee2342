package dev.orca.trainer.body;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import dev.orca.trainer.checkpoint.RandomCheckpoints;
import dev.orca.trainer.train.ParameterUpdater;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyTrainingTest {

    private static BodyCheckpoint miniLm;

    @BeforeAll
    static void load() {
        miniLm = BodyCheckpoints.load(BodyCheckpoints.DEFAULT);
    }

    /** Sum of (output * probe): a loss whose gradient reaches every parameter, built without Number scalars. */
    private static NDArray probeLoss(TextBody body, ParameterStore store, NDList inputs, NDArray probe, boolean training) {
        return body.forward(store, inputs, training).singletonOrThrow().mul(probe).sum();
    }

    private static List<Parameter> parameters(TextBody body) {
        List<Parameter> out = new ArrayList<>();
        body.getParameters().forEach(p -> out.add(p.getValue()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void oneAdamWStepChangesEveryParameterWithFiniteGradients(int seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            TextBody body = PretrainedBodies.create(miniLm, manager);
            List<Parameter> params = parameters(body);
            ParameterUpdater updater = new ParameterUpdater(ParameterUpdater.Kind.ADAMW, params, 0, 0);
            Map<String, float[]> before = new LinkedHashMap<>();
            params.forEach(p -> before.put(p.getId(), p.getArray().toFloatArray()));

            NDArray ids = manager.randomInteger(1000, 2000, new Shape(3, 12), DataType.INT64);
            NDArray mask = manager.create(new long[][] {
                    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
            NDArray types = manager.create(new long[][] {
                    {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
            NDArray probe = manager.randomNormal(new Shape(3, 12, 384));
            ParameterStore store = new ParameterStore(manager, false);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = probeLoss(body, store, new NDList(ids, mask, types), probe, true);
                    System.gc(); // the DJL scalar bug shows only once the JVM has collected a temporary scalar
                    collector.backward(loss);
                }
                for (Parameter p : params) {
                    float[] grad = p.getArray().getGradient().toFloatArray();
                    double norm = 0;
                    for (float g : grad) {
                        assertTrue(Float.isFinite(g), p.getName() + " has a non-finite gradient");
                        norm += g * g;
                    }
                    assertTrue(norm > 0, p.getName() + " (" + p.getId() + ") got no gradient");
                }
            }
            updater.step(1e-3);
            for (Parameter p : params) {
                float[] after = p.getArray().toFloatArray();
                float[] was = before.get(p.getId());
                int changed = 0;
                for (int i = 0; i < after.length; i++) {
                    assertTrue(Float.isFinite(after[i]));
                    if (after[i] != was[i]) {
                        changed++;
                    }
                }
                assertTrue(changed > 0, p.getName() + " did not change");
            }
        }
    }

    /** Gradients computed with collections and allocation pressure between forward and backward are bit-identical. */
    @Test
    void gradientsSurviveGarbageCollection() {
        BodyConfig config = RandomCheckpoints.tiny(BodyConfig.Family.BERT);
        float[] quiet = tinyGradient(config, false);
        for (int round = 0; round < 5; round++) {
            assertArrayEquals(quiet, tinyGradient(config, true), "round " + round);
        }
    }

    private static float[] tinyGradient(BodyConfig config, boolean collectGarbage) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            TextBody body = new TextBody(config);
            body.initialize(manager, 2, 6);
            NDArray ids = manager.create(new long[][] {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 0, 0, 0}});
            NDArray mask = manager.create(new long[][] {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}});
            NDArray probe = manager.randomNormal(new Shape(2, 6, config.hidden()));
            List<Parameter> params = parameters(body);
            params.forEach(p -> p.getArray().setRequiresGradient(true));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = probeLoss(body, new ParameterStore(manager, false), new NDList(ids, mask), probe, false);
                if (collectGarbage) {
                    for (int i = 0; i < 3; i++) {
                        byte[][] pressure = new byte[64][];
                        for (int j = 0; j < pressure.length; j++) {
                            pressure[j] = new byte[1 << 16];
                        }
                        System.gc();
                    }
                }
                collector.backward(loss);
            }
            List<Float> all = new ArrayList<>();
            for (Parameter p : params) {
                for (float g : p.getArray().getGradient().toFloatArray()) {
                    all.add(g);
                }
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    /** Directional derivative of the loss along a random direction equals central finite differences (float64). */
    @Test
    void gradientMatchesFiniteDifferences() {
        BodyConfig config = new BodyConfig(BodyConfig.Family.BERT, 2, 8, 2, 16, 10, 20, 2, 1e-12f, 0, 0f);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            TextBody body = new TextBody(config);
            Shape tokens = new Shape(2, 5);
            body.initialize(manager, DataType.FLOAT64, tokens, tokens);
            NDArray ids = manager.create(new long[][] {{1, 2, 3, 4, 5}, {6, 7, 8, 0, 0}});
            NDArray mask = manager.create(new long[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            NDArray probe = manager.randomNormal(new Shape(2, 5, 8)).toType(DataType.FLOAT64, false);
            NDList inputs = new NDList(ids, mask);
            ParameterStore store = new ParameterStore(manager, false);
            List<Parameter> params = parameters(body);
            params.forEach(p -> p.getArray().setRequiresGradient(true));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(probeLoss(body, store, inputs, probe, false));
            }
            Random random = new Random(1);
            double analytic = 0;
            List<double[]> directions = new ArrayList<>();
            for (Parameter p : params) {
                double[] grad = p.getArray().getGradient().toDoubleArray();
                double[] direction = new double[grad.length];
                for (int i = 0; i < grad.length; i++) {
                    direction[i] = random.nextGaussian();
                    analytic += grad[i] * direction[i];
                }
                directions.add(direction);
            }
            double h = 1e-6;
            double plus = shiftedLoss(body, store, inputs, probe, params, directions, h);
            double minus = shiftedLoss(body, store, inputs, probe, params, directions, -2 * h);
            shiftedLoss(body, store, inputs, probe, params, directions, h);
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic, 1e-5 * Math.max(1, Math.abs(numeric)),
                    "analytic " + analytic + " vs numeric " + numeric);
        }
    }

    private static double shiftedLoss(TextBody body, ParameterStore store, NDList inputs, NDArray probe,
                                      List<Parameter> params, List<double[]> directions, double step) {
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).getArray();
            double[] values = w.toDoubleArray();
            double[] d = directions.get(i);
            for (int j = 0; j < values.length; j++) {
                values[j] += step * d[j];
            }
            w.set(java.nio.DoubleBuffer.wrap(values));
        }
        return probeLoss(body, store, inputs, probe, false).toType(DataType.FLOAT64, false).getDouble();
    }

    /**
     * MiniLM's forward and backward with bf16 products against fp32 on the same batch: every parameter still gets a
     * finite gradient pointing where fp32's does, and the outputs differ by bfloat16's rounding, not by more.
     */
    @Test
    void bf16ProductsKeepEveryGradientCloseToFp32s() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            TextBody body = PretrainedBodies.create(miniLm, manager);
            List<Parameter> params = parameters(body);
            NDArray ids = manager.randomInteger(1000, 2000, new Shape(4, 16), DataType.INT64);
            NDArray mask = manager.ones(new Shape(4, 16), DataType.INT64);
            NDArray probe = manager.randomNormal(new Shape(4, 16, 384));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, float[]> fp32 = new LinkedHashMap<>();
            Map<String, float[]> bf16 = new LinkedHashMap<>();
            float[][] outputs = new float[2][];
            for (int run = 0; run < 2; run++) {
                Map<String, float[]> grads = run == 0 ? fp32 : bf16;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                         dev.orca.trainer.nd.Autocast.Scope products = dev.orca.trainer.nd.Autocast.bf16(run == 1)) {
                        NDArray out = body.forward(store, new NDList(ids, mask), false).singletonOrThrow();
                        outputs[run] = out.toFloatArray();
                        collector.backward(out.mul(probe).sum());
                    }
                    for (Parameter p : params) {
                        NDArray g = p.getArray().getGradient();
                        grads.put(p.getId(), g.toFloatArray());
                        g.subi(g); // DJL accumulates gradients across collectors
                    }
                }
            }
            double outputDiff = relativeDifference(outputs[0], outputs[1]);
            assertTrue(outputDiff > 1e-4 && outputDiff < 3e-2, "bf16 vs fp32 last hidden state: " + outputDiff);
            for (String id : fp32.keySet()) {
                float[] a = fp32.get(id), b = bf16.get(id);
                double dot = 0, na = 0, nb = 0;
                for (int i = 0; i < a.length; i++) {
                    assertTrue(Float.isFinite(b[i]), id + " has a finite bf16 gradient");
                    dot += (double) a[i] * b[i];
                    na += (double) a[i] * a[i];
                    nb += (double) b[i] * b[i];
                }
                double cosine = dot / Math.sqrt(na * nb);
                assertTrue(nb > 0 && cosine > 0.99, id + ": bf16 gradient's cosine with fp32's " + cosine);
            }
        }
    }

    private static double relativeDifference(float[] a, float[] b) {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += (double) a[i] * a[i];
        }
        return Math.sqrt(diff / norm);
    }
}
