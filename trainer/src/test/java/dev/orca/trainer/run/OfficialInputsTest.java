package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.data.Splits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the authors' pipeline is handed for a side-by-side run (bench/run official-parity): Orca's own splits and source,
 * the body in the layout transformers reads, and the experiment's budget in their configs' vocabulary.
 */
class OfficialInputsTest {
    @TempDir
    Path dir;

    private OrcaExperimentSpec listops(String mode) throws Exception {
        ExperimentRunTest.writeSource(dir.resolve("source.npz"), 90, 384, 3);
        Path yaml = dir.resolve("listops.yaml");
        // The fixture's own alignment optimizer gives way to the authors' derivation of the embedder's from fine-tuning's.
        Files.writeString(yaml, ExperimentRunTest.LISTOPS.formatted(mode, dir.resolve("source.npz"))
                .replace(", optimizer: { name: adam, lr: 1.0e-3 }", ", rate: official"));
        return ExperimentFiles.read(yaml);
    }

    @Test
    void theInputsAreOrcasSplitsSourceAndBodyWithTheBudgetInTheAuthorsTerms() throws Exception {
        OrcaExperimentSpec spec = listops("orca");
        Path inputs = dir.resolve("inputs");
        OfficialInputs.write(spec, inputs);

        Splits splits = Splits.of(60, 0.2, 0.2, spec.seed).keepTraining(spec.task.data.trainFraction, spec.seed);
        long rows = 0;
        double sum = 0;
        for (String split : new String[] {"train", "valid", "test"}) {
            DataArray x = Npy.read(inputs.resolve(split + "_x.npy"));
            int[] y = Npy.read(inputs.resolve(split + "_y.npy")).asLabels();
            assertEquals(16, x.shape()[1]);
            assertEquals(24, x.shape()[2]);
            assertEquals(x.shape()[0], y.length);
            for (int label : y) {
                assertTrue(label >= 0 && label < 10, split + " label " + label);
            }
            rows += y.length;
            if (split.equals("train")) {
                assertEquals(splits.train().length, y.length, "the training split Orca trains on");
                for (float v : x.values()) {
                    sum += v;
                }
                assertEquals(0, sum / x.values().length, 1e-3, "standardised on the training split, as Orca feeds its embedder");
            }
        }
        assertEquals(60, rows, "every example in exactly one split");
        assertArrayEquals(new long[] {90, 384}, Npy.read(inputs.resolve("src_X.npy")).shape());

        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(inputs.resolve("body/config.json").toFile());
        assertEquals("bert", config.get("model_type").asText());
        assertEquals(384, config.get("hidden_size").asInt());
        Map<String, TensorData> body = Safetensors.read(inputs.resolve("body/model.safetensors"));
        assertArrayEquals(new long[] {384, 384}, body.get("encoder.layer.0.attention.self.query.weight").shape(),
                "BertModel's own parameter names, without a model prefix");
        assertArrayEquals(new long[] {512, 384}, body.get("embeddings.position_embeddings.weight").shape());

        JsonNode orca = json.readTree(inputs.resolve("hyperparameters-orca.json").toFile());
        JsonNode finetune = json.readTree(inputs.resolve("hyperparameters-finetune.json").toFile());
        assertEquals(3, orca.get("embedder_epochs").asInt());
        assertEquals(0, finetune.get("embedder_epochs").asInt(), "the authors' fine-tuning is their pipeline without alignment");
        assertEquals(8, orca.get("maxsamples").asInt());
        assertEquals(2, orca.get("epochs").asInt());
        assertEquals(8, orca.get("batch_size").asInt());
        assertEquals(1e-4, orca.get("optimizer").get("params").get("lr").asDouble(), 1e-12);
        assertEquals("AdamW", orca.get("optimizer").get("name").asText());
        assertEquals(-1, orca.get("clip").asDouble(), "clipNorm 0 is the official clip -1");
        assertEquals(2, orca.get("scheduler").get("params").get("decay_epochs").asInt(), "decay to zero at the last epoch");
        assertEquals(spec.seed, orca.get("seed").asLong());
        assertTrue(orca.get("eval_batch_size").asLong() >= splits.test().length, "one evaluation chunk: the split's own error");
    }

    @Test
    void budgetsTheAuthorsCannotExpressAreRefusedNamingTheField() throws Exception {
        OrcaExperimentSpec spec = listops("orca");
        spec.alignment.optimizer = new OrcaExperimentSpec.Optimizer();
        spec.alignment.optimizer.lr = 0.5;
        var e = assertThrows(IllegalArgumentException.class,
                () -> OfficialHyperparameters.of(spec, OrcaExperimentSpec.Mode.ORCA, 0, 512, 10));
        assertTrue(e.getMessage().startsWith("spec.alignment.optimizer"), e.getMessage());

        OrcaExperimentSpec ownRate = listops("orca");
        ownRate.alignment.rate = OrcaExperimentSpec.AlignmentRate.FINETUNE;
        e = assertThrows(IllegalArgumentException.class, () -> OfficialHyperparameters.of(ownRate, OrcaExperimentSpec.Mode.ORCA, 0, 512, 10));
        assertTrue(e.getMessage().contains("spec.alignment.rate: official"), e.getMessage());

        OrcaExperimentSpec regression = listops("orca");
        regression.task.metric = OrcaExperimentSpec.Metric.ONE_MINUS_F1;
        e = assertThrows(IllegalArgumentException.class,
                () -> OfficialHyperparameters.of(regression, OrcaExperimentSpec.Mode.ORCA, 0, 512, 10));
        assertTrue(e.getMessage().startsWith("spec.task"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> OfficialInputs.write(listops("finetune"), dir.resolve("x")));
        assertTrue(e.getMessage().startsWith("spec.mode"), e.getMessage());
    }
}
