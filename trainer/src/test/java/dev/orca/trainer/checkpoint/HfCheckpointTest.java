package dev.orca.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.BodyConfig;
import dev.orca.trainer.body.ParameterSlot;
import dev.orca.trainer.body.TextBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HfCheckpointTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"BERT, true", "BERT, false", "ROBERTA, false"})
    void safetensorsRoundTripPutsEveryTensorInPlace(BodyConfig.Family family, boolean tfNames) throws IOException {
        BodyConfig config = RandomCheckpoints.tiny(family);
        List<TensorData> written = RandomCheckpoints.write(dir, config, 7, tfNames);
        BodyCheckpoint checkpoint = HfCheckpoints.load(dir);
        assertEquals(config, checkpoint.config(), "shape comes from config.json");
        try (NDManager manager = NDManager.newBaseManager()) {
            TextBody body = PretrainedBodies.create(checkpoint, manager);
            Map<String, ParameterSlot> slots = body.namedParameters();
            int checked = 0;
            for (TensorData t : written) {
                String canonical = HfNames.canonical(t.name());
                if (canonical == null) {
                    assertTrue(t.name().contains("pooler"), t.name());
                    continue;
                }
                ParameterSlot slot = slots.get(canonical);
                assertNotNull(slot, canonical);
                NDArray value = slot.parameter().getArray();
                if (!slot.isWhole()) {
                    value = value.get(new NDIndex("{}:{}", slot.firstRow(), slot.firstRow() + slot.rows()));
                }
                assertArrayEquals(t.shape(), value.getShape().getShape(), canonical);
                assertArrayEquals(t.values(), value.toFloatArray(), canonical);
                checked++;
            }
            assertEquals(slots.size(), checked, "every parameter of the body came from the file");
        }
    }

    /**
     * RoBERTa counts positions from padding_idx + 1: a RoBERTa body must equal a BERT body whose position
     * table is the RoBERTa table shifted by padding_idx + 1 rows.
     */
    @Test
    void robertaPositionsStartAfterThePaddingIndex() throws IOException {
        BodyConfig roberta = RandomCheckpoints.tiny(BodyConfig.Family.ROBERTA);
        RandomCheckpoints.write(dir, roberta, 11, false);
        BodyCheckpoint robertaCheckpoint = HfCheckpoints.load(dir);
        int shift = roberta.padTokenId() + 1;
        BodyConfig bert = new BodyConfig(BodyConfig.Family.BERT, roberta.layers(), roberta.hidden(), roberta.heads(),
                roberta.intermediate(), roberta.maxPositions() - shift, roberta.vocabSize(), 1, roberta.layerNormEps(), 0, 0f);
        Map<String, TensorData> shifted = new HashMap<>(robertaCheckpoint.tensors());
        TensorData positions = shifted.get("embeddings.position_embeddings.weight");
        float[] rows = new float[(roberta.maxPositions() - shift) * roberta.hidden()];
        System.arraycopy(positions.values(), shift * roberta.hidden(), rows, 0, rows.length);
        shifted.put("embeddings.position_embeddings.weight", new TensorData(positions.name(),
                new long[] {roberta.maxPositions() - shift, roberta.hidden()}, rows));
        BodyCheckpoint bertCheckpoint = new BodyCheckpoint("shifted", bert, shifted, null);

        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] ids = {{0, 5, 9, 13, 2}, {0, 7, 2, 1, 1}};
            long[][] mask = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
            NDList inputs = new NDList(manager.create(ids), manager.create(mask));
            ParameterStore store = new ParameterStore(manager, false);
            float[] a = PretrainedBodies.create(robertaCheckpoint, manager).forward(store, inputs, false).get(0).toFloatArray();
            float[] b = PretrainedBodies.create(bertCheckpoint, manager).forward(store, inputs, false).get(0).toFloatArray();
            int h = roberta.hidden();
            for (int i = 0; i < a.length; i++) {
                int row = i / (h * 5);
                int position = (i / h) % 5;
                if (mask[row][position] == 1) {
                    assertEquals(b[i], a[i], 1e-5, "value " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"bert-base-uncased, 768, 12, 512", "roberta-base, 768, 12, 514"})
    void fullHubParameterListsMapCompletely(String model, int hidden, int layers, int positions) throws IOException {
        Path config = dir.resolve("config.json");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + model + ".config.json")) {
            Files.copy(in, config);
        }
        BodyConfig bodyConfig = HfCheckpoints.readConfig(config);
        assertEquals(hidden, bodyConfig.hidden());
        assertEquals(layers, bodyConfig.layers());
        assertEquals(positions, bodyConfig.maxPositions());
        List<String> rows;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + model + ".parameters.tsv")) {
            rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            TextBody body = new TextBody(bodyConfig);
            body.initialize(manager, 1, 4);
            Map<String, ParameterSlot> slots = body.namedParameters();
            Map<String, String> mapped = new HashMap<>();
            int ignored = 0;
            for (String row : rows) {
                String[] parts = row.split("\t");
                String canonical = HfNames.canonical(parts[0]);
                if (canonical == null) {
                    ignored++;
                    continue;
                }
                ParameterSlot slot = slots.get(canonical);
                assertNotNull(slot, parts[0] + " maps to " + canonical + ", which the body lacks");
                long[] shape = slot.parameter().getArray().getShape().getShape().clone();
                if (!slot.isWhole()) {
                    shape[0] = slot.rows();
                }
                long[] expected = java.util.Arrays.stream(parts[1].split(",")).mapToLong(Long::parseLong).toArray();
                assertArrayEquals(expected, shape, parts[0]);
                assertNull(mapped.put(canonical, parts[0]), "two tensors map to " + canonical);
            }
            assertEquals(slots.keySet(), mapped.keySet(), "every body parameter has a tensor in " + model);
            assertTrue(ignored >= 8, "heads are recognised and skipped: " + ignored);
        }
    }

    @Test
    void halfPrecisionValuesConvert() {
        assertEquals(1.0f, dev.orca.trainer.nd.Half.toFloat((short) 0x3c00));
        assertEquals(-2.0f, dev.orca.trainer.nd.Half.toFloat((short) 0xc000));
        assertEquals(65504f, dev.orca.trainer.nd.Half.toFloat((short) 0x7bff));
        assertEquals(5.9604645e-8f, dev.orca.trainer.nd.Half.toFloat((short) 0x0001));
        assertTrue(Float.isInfinite(dev.orca.trainer.nd.Half.toFloat((short) 0x7c00)));
    }

    @Test
    void randomInitialisationIsReproducibleEnoughToDiffer() {
        // The scratch baseline must not silently be the pretrained body.
        try (NDManager manager = NDManager.newBaseManager()) {
            BodyCheckpoint checkpoint = new BodyCheckpoint("x", RandomCheckpoints.tiny(BodyConfig.Family.BERT),
                    Map.of(), null);
            TextBody body = PretrainedBodies.createUntrained(checkpoint, manager, new dev.orca.trainer.nn.SeededDropout(0));
            float[] words = body.namedParameters().get("embeddings.word_embeddings.weight").parameter().getArray().toFloatArray();
            double sumSq = 0;
            for (float v : words) {
                sumSq += v * v;
            }
            double std = Math.sqrt(sumSq / words.length);
            assertEquals(0.02, std, 0.005, "BERT's N(0, 0.02) initialisation");
        }
    }
}
