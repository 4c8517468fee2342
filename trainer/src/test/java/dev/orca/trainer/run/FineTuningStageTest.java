package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.Losses;
import org.junit.jupiter.api.Test;

class FineTuningStageTest {

    /**
     * Outputs (2, -1) against targets (1, 1), the second pixel ignored: BCE(2, 1) + BCE(0, 0) = ln(1 + e^-2) + ln 2 =
     * 0.126928 + 0.693147, whatever the ignored pixel's output.
     */
    @Test
    void theIgnoredPixelAddsAConstant() {
        FineTuning.LossFunction masked = FineTuningStage.outsideTheIgnoreMask(Losses::binaryCrossEntropySum);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray stacked = m.create(new float[] {1, 1, 1, 0}, new Shape(1, 2, 2)); // targets (1, 1), keep (1, 0)
            double expected = Math.log(1 + Math.exp(-2)) + Math.log(2);
            assertEquals(expected, masked.loss(m.create(new float[] {2, -1}, new Shape(1, 2)), stacked).getFloat(), 1e-6);
            assertEquals(expected, masked.loss(m.create(new float[] {2, 7}, new Shape(1, 2)), stacked).getFloat(), 1e-6);
        }
    }
}
