package dev.orca.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.orca.trainer.eval.TaskMetrics;
import dev.orca.trainer.nd.Scalars;
import org.junit.jupiter.api.Test;

class LossesTest {

    @Test
    void crossEntropyValueAndGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] z = {{2, 0, 0}, {0, 1, 3}};
            NDArray logits = m.create(z);
            logits.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {0, 1});
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = Losses.crossEntropy(logits, labels);
                System.gc();
                gc.backward(loss);
            }
            double lse0 = Math.log(Math.exp(2) + 2);
            double lse1 = Math.log(1 + Math.exp(1) + Math.exp(3));
            assertEquals(((lse0 - 2) + (lse1 - 1)) / 2, Scalars.value(loss), 1e-5);
            float[] grad = logits.getGradient().toFloatArray();
            // d/dz = (softmax - onehot) / B
            assertEquals((Math.exp(2) / Math.exp(lse0) - 1) / 2, grad[0], 1e-5);
            assertEquals((Math.exp(1) / Math.exp(lse1) - 1) / 2, grad[4], 1e-5);
            assertEquals((Math.exp(3) / Math.exp(lse1)) / 2, grad[5], 1e-5);
        }
    }

    @Test
    void binaryCrossEntropyMatchesTheNllMetric() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] z = {{-30, 0.5f, 4}, {2, -1, 60}};
            float[][] y = {{0, 1, 1}, {1, 0, 0}};
            double loss = Scalars.value(Losses.binaryCrossEntropySum(m.create(z), m.create(y)));
            assertEquals(TaskMetrics.nll(z, y), loss, 1e-4);
        }
    }

    @Test
    void meanSquaredError() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(2.5, Scalars.value(Losses.meanSquaredError(m.create(new float[] {1, 2}), m.create(new float[] {2, 4}))), 1e-6);
        }
    }

    @Test
    void binaryCrossEntropyWithAPositiveWeightAveragesEveryLabel() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] z = {{0, 2}, {-1, 40}};
            float[][] y = {{1, 0}, {1, 0}};
            double w = 4;
            // -[w y log s(z) + (1 - y) log(1 - s(z))] per value, mean over the 4 values.
            double expected = (w * Math.log(2) + Math.log(1 + Math.exp(2)) + w * Math.log(1 + Math.exp(1)) + 40) / 4;
            assertEquals(expected, Scalars.value(Losses.binaryCrossEntropyMean(m.create(z), m.create(y), w)), 1e-4);
        }
    }

    @Test
    void focalLossDownWeightsConfidentExamplesAndIsCrossEntropyAtGammaZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{Math.round(Math.log(3) * 1e6) / 1e6f, 0}, {0, 0}});
            NDArray labels = m.create(new long[] {0, 1});
            // p = (0.75, 0.5): gamma 2 -> (0.25^2 (-log 0.75) + 0.5^2 (-log 0.5)) / 2
            double expected = (0.0625 * -Math.log(0.75) + 0.25 * -Math.log(0.5)) / 2;
            assertEquals(expected, Scalars.value(Losses.focal(logits, labels, 2, 1)), 1e-5);
            assertEquals(Scalars.value(Losses.crossEntropy(logits, labels)), Scalars.value(Losses.focal(logits, labels, 0, 1)), 1e-5);
        }
    }

    @Test
    void relativeL2IsMeasuredInTheDataUnits() {
        try (NDManager m = NDManager.newBaseManager()) {
            // standardised values, scale 2 and shift 1: truth (3, 5) and (1, 1) -> (7, 11), (3, 3); predictions (7, 11) and (3, 5)
            NDArray predictions = m.create(new float[][] {{3, 5}, {1, 2}});
            NDArray truth = m.create(new float[][] {{3, 5}, {1, 1}});
            double expected = (0 + 2 / Math.sqrt(18)) / 2;
            assertEquals(expected, Scalars.value(Losses.relativeL2(predictions, truth, 2, 1)), 1e-6);
        }
    }
}
