package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What another implementation needs to take stage 2's steps again: the record's inputs, batches and parameters are
 * the alignment's own (each batch holds its class's rows, class weights sum to one per epoch), and the final parameters moved.
 */
class AlignmentRecordTest {
    @TempDir
    Path dir;

    @Test
    void theRecordHoldsTheInputsBatchesAndParametersOfTheAlignmentItRan() throws Exception {
        ExperimentRunTest.writeSource(dir.resolve("source.npz"), 90, 384, 3);
        Path yaml = dir.resolve("listops.yaml");
        Files.writeString(yaml, ExperimentRunTest.LISTOPS.formatted("orca", dir.resolve("source.npz")));
        OrcaExperimentSpec spec = ExperimentFiles.read(yaml);
        spec.embedder.layerNorm = OrcaExperimentSpec.EmbedderLayerNorm.BEFORE_POSITIONS;
        spec.alignment.epochs = 2;
        Path record = dir.resolve("record");
        List<Double> curve = AlignmentRecord.write(spec, record);

        assertArrayEquals(new long[] {90, 384}, Npy.read(record.resolve("src_X.npy")).shape());
        DataArray x = Npy.read(record.resolve("x.npy"));
        DataArray y = Npy.read(record.resolve("y.npy"));
        assertEquals(3, x.shape().length);
        assertArrayEquals(new long[] {16, 24}, new long[] {x.shape()[1], x.shape()[2]});
        assertEquals(x.shape()[0], y.shape()[0]);

        ObjectMapper json = new ObjectMapper();
        JsonNode batches = json.readTree(record.resolve("batches.json").toFile());
        JsonNode settings = json.readTree(record.resolve("settings.json").toFile());
        assertEquals("beforePositions", settings.get("layerNorm").asText());
        assertEquals(spec.alignment.optimizer(spec.finetune).lr, settings.get("alignmentOptimizer").get("lr").asDouble(), 1e-12);
        assertEquals(spec.finetune.optimizer.lr, settings.get("finetuneOptimizer").get("lr").asDouble(), 1e-12,
                "fine-tuning's rate, from which the official code derives the embedder's");
        int[] labels = y.asLabels();
        for (int epoch = 0; epoch < 2; epoch++) {
            double weights = 0;
            for (JsonNode b : batches) {
                if (b.get("epoch").asInt() != epoch) {
                    continue;
                }
                weights += b.get("weight").asDouble();
                for (JsonNode row : b.get("rows")) {
                    assertEquals(b.get("label").asInt(), labels[row.asInt()], "a class-wise batch holds its class's rows only");
                }
            }
            assertEquals(1.0, weights, 1e-9, "epoch " + epoch + ": class weights are class frequencies");
        }

        JsonNode orca = json.readTree(record.resolve("orca.json").toFile());
        assertEquals(curve.size(), orca.get("distance").size());
        assertEquals(2, curve.size());
        boolean moved = false;
        for (JsonNode name : settings.get("parameters")) {
            DataArray before = Npy.read(record.resolve("initial").resolve(name.asText() + ".npy"));
            DataArray after = Npy.read(record.resolve("orca").resolve(name.asText() + ".npy"));
            assertArrayEquals(before.shape(), after.shape());
            moved |= !java.util.Arrays.equals(before.values(), after.values());
        }
        assertTrue(moved, "the alignment moved the embedder");
        assertFalse(Files.exists(record.resolve("run.json")), "a record, not a run: nothing resumes from it");
    }
}
