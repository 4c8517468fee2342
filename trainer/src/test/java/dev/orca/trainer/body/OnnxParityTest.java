package dev.orca.trainer.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Java body's last hidden states equal onnxruntime's for the same ONNX file. */
class OnnxParityTest {

    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Optimal transport aligns the embedded target data with the source.",
            "Hi!",
            "Bach wrote hundreds of four-part chorales; their harmonies are still taught in conservatories today,"
                    + " and they make a standard benchmark for polyphonic music models.");

    @ParameterizedTest
    @CsvSource({"all-minilm-l6-v2, 6", "bge-small-en-v1.5, 12", "e5-small-v2, 12"})
    void lastHiddenStatesMatchOnnxRuntime(String id, int layers) throws Exception {
        BodyCheckpoint checkpoint = BodyCheckpoints.load("bundled:" + id);
        assertEquals(layers, checkpoint.config().layers());
        assertEquals(384, checkpoint.config().hidden());
        assertEquals(12, checkpoint.config().heads());
        assertEquals(1536, checkpoint.config().intermediate());
        assertEquals(512, checkpoint.config().maxPositions());
        assertEquals(1e-12f, checkpoint.config().layerNormEps(), 1e-18f);

        HuggingFaceTokenizer tokenizer = PretrainedBodies.tokenizer(checkpoint, 128);
        Encoding[] encodings = tokenizer.batchEncode(SENTENCES);
        int batch = encodings.length;
        int length = encodings[0].getIds().length;
        long[][] ids = new long[batch][];
        long[][] mask = new long[batch][];
        long[][] types = new long[batch][];
        for (int i = 0; i < batch; i++) {
            ids[i] = encodings[i].getIds();
            mask[i] = encodings[i].getAttentionMask();
            types[i] = encodings[i].getTypeIds();
            assertEquals(length, ids[i].length, "tokenizer pads to the longest sentence");
        }
        assertTrue(mask[2][length - 1] == 0, "the short sentence is padded");

        float[][][] reference = onnxRuntime(id, ids, mask, types);

        try (NDManager manager = NDManager.newBaseManager()) {
            TextBody body = PretrainedBodies.create(checkpoint, manager);
            NDList inputs = new NDList(manager.create(ids), manager.create(mask), manager.create(types));
            NDArray out = body.forward(new ParameterStore(manager, false), inputs, false).singletonOrThrow();
            assertEquals(batch, out.getShape().get(0));
            float[] ours = out.toFloatArray();
            double maxDiff = 0;
            int compared = 0;
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < length; s++) {
                    if (mask[b][s] == 0) {
                        continue;
                    }
                    for (int d = 0; d < 384; d++) {
                        maxDiff = Math.max(maxDiff, Math.abs(ours[(b * length + s) * 384 + d] - reference[b][s][d]));
                        compared++;
                    }
                }
            }
            assertTrue(compared > 384 * 40, "compared " + compared + " values");
            assertTrue(maxDiff <= 1e-4, id + ": max abs difference " + maxDiff + " > 1e-4");
        }
    }

    private static float[][][] onnxRuntime(String id, long[][] ids, long[][] mask, long[][] types) throws Exception {
        byte[] model;
        try (InputStream in = OnnxParityTest.class.getResourceAsStream("/" + id + ".onnx")) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor idsT = OnnxTensor.createTensor(env, ids);
             OnnxTensor maskT = OnnxTensor.createTensor(env, mask);
             OnnxTensor typesT = OnnxTensor.createTensor(env, types);
             OrtSession.Result result = session.run(Map.of("input_ids", idsT, "attention_mask", maskT, "token_type_ids", typesT))) {
            return (float[][][]) result.get(0).getValue();
        }
    }
}
