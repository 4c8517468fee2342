package dev.orca.trainer.ot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.nd.Scalars;
import dev.orca.trainer.train.ParameterUpdater;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stage 2 in miniature: a learnable linear embedder, trained on OTDD alone, moves the target onto the source. */
class AlignmentTrainingTest {

    @ParameterizedTest
    @EnumSource(OtddOptions.LabelCost.class)
    void linearEmbedderHalvesOtddIn50StepsOverTenSeeds(OtddOptions.LabelCost cost) {
        for (int seed = 0; seed < 10; seed++) {
            double[] firstLast = train(cost, true, seed);
            assertTrue(firstLast[1] <= 0.5 * firstLast[0], cost + " seed " + seed + ": OTDD " + firstLast[0] + " -> " + firstLast[1]);
        }
    }

    /**
     * Gradients through the label distances W(y, y') (our default) align at least as well as holding W
     * constant (microsoft/otdd's choice): same data, same initialisation, same steps.
     */
    @org.junit.jupiter.api.Test
    void gradientThroughLabelDistancesAlignsAtLeastAsWell() {
        double with = 0;
        double without = 0;
        for (int seed = 0; seed < 5; seed++) {
            with += train(OtddOptions.LabelCost.EXACT, true, seed)[1];
            without += train(OtddOptions.LabelCost.EXACT, false, seed)[1];
        }
        System.out.printf("final OTDD summed over 5 seeds: label gradient on %.4f, off %.4f%n", with, without);
        assertTrue(with <= without * 1.02, "on " + with + " vs off " + without);
    }

    /** Trains a linear embedder for 50 Adam steps on OTDD; returns {first, last} OTDD. */
    private static double[] train(OtddOptions.LabelCost cost, boolean labelGradient, int seed) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(seed);
                Random random = new Random(seed);
                int d = 8;
                int[] sourceLabels = new int[90];
                int[] targetLabels = new int[60];
                for (int i = 0; i < sourceLabels.length; i++) {
                    sourceLabels[i] = i % 3;
                }
                for (int i = 0; i < targetLabels.length; i++) {
                    targetLabels[i] = random.nextInt(2);
                }
                NDArray sourceMeans = m.randomNormal(0, 1, new Shape(3, d), DataType.FLOAT32);
                NDArray source = sourceMeans.get(m.create(java.util.Arrays.stream(sourceLabels).asLongStream().toArray()))
                        .add(m.randomNormal(0, 0.5f, new Shape(90, d), DataType.FLOAT32));
                NDArray targetMeans = m.randomNormal(0, 2, new Shape(2, 5), DataType.FLOAT32);
                NDArray raw = targetMeans.get(m.create(java.util.Arrays.stream(targetLabels).asLongStream().toArray()))
                        .add(m.randomNormal(new Shape(60, 5)));

                // ε = 1 against costs of ~20 keeps the 500 solves of this test quick; the small-ε regime is
                // covered by OtddTest and the benchmark.
                OtddOptions options = new OtddOptions(SinkhornOptions.converged(1.0, 1e-3, 1000), 1, 1, cost, labelGradient);
                OtddDistance metric = new OtddDistance(OtddSource.prepare(source, sourceLabels, options));
                Linear embedder = Linear.builder().setUnits(d).build();
                embedder.initialize(m, DataType.FLOAT32, new Shape(60, 5));
                List<Parameter> params = new ArrayList<>();
                embedder.getParameters().forEach(p -> params.add(p.getValue()));
                ParameterUpdater updater = new ParameterUpdater(ParameterUpdater.Kind.ADAM, params, 0, 0);
                ParameterStore store = new ParameterStore(m, false);

                double first = Double.NaN;
                double last = Double.NaN;
                for (int step = 0; step < 50; step++) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray embedded = embedder.forward(store, new NDList(raw), true).singletonOrThrow();
                            NDArray loss = metric.distance(embedded, targetLabels);
                            gc.backward(loss);
                            last = Scalars.value(loss);
                        }
                    }
                    assertTrue(Double.isFinite(last), cost + " seed " + seed + " step " + step + ": " + last);
                    if (step == 0) {
                        first = last;
                    }
                    updater.step(0.05);
                }
                return new double[] {first, last};
            }
    }
}
