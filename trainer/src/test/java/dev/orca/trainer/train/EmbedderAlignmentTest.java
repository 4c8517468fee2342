package dev.orca.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.ot.OtddDistance;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.OtddSource;
import dev.orca.trainer.ot.SinkhornOptions;
import dev.orca.trainer.progress.ProgressEvent;
import dev.orca.trainer.task.PatchGeometry;
import dev.orca.trainer.task.TaskEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 2 with the real task embedder (conv + LayerNorm + positions) on 1D inputs: the OTDD curve falls. */
class EmbedderAlignmentTest {

    @Test
    void classWiseOtddFallsAndEachEpochIsCheckpointed(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            int d = 8;
            int[] sourceLabels = new int[120];
            for (int i = 0; i < sourceLabels.length; i++) {
                sourceLabels[i] = i % 4;
            }
            NDArray means = m.randomNormal(0, 1, new Shape(4, d), DataType.FLOAT32);
            NDArray source = means.get(m.create(java.util.Arrays.stream(sourceLabels).asLongStream().toArray()))
                    .add(m.randomNormal(0, 0.3f, new Shape(120, d), DataType.FLOAT32));
            OtddDistance metric = new OtddDistance(OtddSource.prepare(source, sourceLabels,
                    new OtddOptions(SinkhornOptions.converged(0.5, 1e-3, 1000), 1, 1, OtddOptions.LabelCost.EXACT, true)));

            int[] labels = new int[60];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 2;
            }
            NDArray inputs = m.randomNormal(new Shape(60, 2, 12)).add(
                    m.create(java.util.Arrays.stream(labels).mapToDouble(l -> 2.0 * l).toArray()).toType(DataType.FLOAT32, false)
                            .reshape(60, 1, 1));
            TaskEmbedder embedder = new TaskEmbedder(PatchGeometry.of(new long[] {12}, 6), d);
            embedder.initialize(m, DataType.FLOAT32, new Shape(1, 2, 12));
            List<Parameter> params = new ArrayList<>();
            embedder.getParameters().forEach(p -> params.add(p.getValue()));
            List<ProgressEvent> events = new ArrayList<>();
            EmbedderAlignment.Settings settings = new EmbedderAlignment.Settings(25, 16, 1, ParameterUpdater.Kind.ADAM, 0.05, 0, 0, new double[] {0.9, 0.999}, new int[] {20}, 0.2, 3);
            RunCheckpoint checkpoint = new RunCheckpoint(dir);
            List<Double> curve = new EmbedderAlignment(embedder, params, metric, settings, checkpoint, events::add).run(inputs, labels);
            assertEquals(25, curve.size());
            // LayerNorm bounds what a small embedder can reach; the point is that stage 2 lowers the distance.
            assertTrue(curve.get(24) < 0.7 * curve.get(0), "OTDD curve " + curve);
            assertEquals("epoch 1 of 25", events.get(0).message(), "the stage is announced before its first epoch");
            List<ProgressEvent> epochs = events.stream().filter(e -> e.epoch() != null).toList();
            assertEquals(25, epochs.size());
            assertEquals(curve.get(24), epochs.get(24).otdd(), 1e-12);
            // Resuming a finished stage trains nothing, keeps the weights and returns the finished stage's curve.
            float[] weights = embedder.getParameters().get(0).getValue().getArray().toFloatArray();
            List<ProgressEvent> again = new ArrayList<>();
            assertEquals(curve, new EmbedderAlignment(embedder, params, metric, settings, checkpoint, again::add).run(inputs, labels));
            assertTrue(again.isEmpty(), "no epoch ran again: " + again);
            assertEquals(weights.length, embedder.getParameters().get(0).getValue().getArray().toFloatArray().length);
            NDArray features = EmbedderAlignment.features(embedder, new ParameterStore(m, false), inputs, false);
            assertEquals(new Shape(60, d), features.getShape());
        }
    }
}
