package dev.orca.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.orca.trainer.body.BodyConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken checkpoints fail with a message naming the file and the tensor, and never crash the JVM. */
class BadCheckpointTest {

    @TempDir
    Path dir;

    private static void assertMentions(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void missingDirectoryOrFiles() throws IOException {
        Path nowhere = dir.resolve("nowhere");
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load(nowhere.toString())),
                nowhere.toString());
        Files.createDirectories(dir.resolve("empty"));
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load("file:" + dir.resolve("empty"))),
                "model.safetensors", "no such file");
        RandomCheckpoints.write(dir.resolve("noconfig"), RandomCheckpoints.tiny(BodyConfig.Family.BERT), 1, false);
        Files.delete(dir.resolve("noconfig/config.json"));
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load(dir.resolve("noconfig").toString())),
                "config.json", "no such file");
    }

    @Test
    void truncatedSafetensorsNamesTheTensor() throws IOException {
        RandomCheckpoints.write(dir, RandomCheckpoints.tiny(BodyConfig.Family.BERT), 1, false);
        Path weights = dir.resolve("model.safetensors");
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(file.length() - 100);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir));
        assertMentions(e, weights.toString(), "bert.pooler.dense.weight", "truncated");
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(20);
        }
        assertMentions(assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir)), weights.toString(), "header");
    }

    @Test
    void configThatDisagreesWithTheWeightsNamesTheTensor() throws IOException {
        RandomCheckpoints.write(dir, RandomCheckpoints.tiny(BodyConfig.Family.BERT), 1, false);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\" : 32", "\"intermediate_size\" : 64"));
        try (NDManager manager = NDManager.newBaseManager()) {
            BodyCheckpoint checkpoint = HfCheckpoints.load(dir);
            CheckpointException e = assertThrows(CheckpointException.class, () -> PretrainedBodies.create(checkpoint, manager));
            assertMentions(e, "model.safetensors", "encoder.layer.0.intermediate.dense", "[32", "64");
        }
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\" : 64", "\"intermediate_size\" : 32")
                .replace("\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3"));
        try (NDManager manager = NDManager.newBaseManager()) {
            BodyCheckpoint checkpoint = HfCheckpoints.load(dir);
            assertMentions(assertThrows(CheckpointException.class, () -> PretrainedBodies.create(checkpoint, manager)),
                    "missing tensors", "encoder.layer.2.");
        }
        Files.writeString(config, Files.readString(config).replace("\"num_hidden_layers\" : 3", "\"num_hidden_layers\" : 1"));
        try (NDManager manager = NDManager.newBaseManager()) {
            BodyCheckpoint checkpoint = HfCheckpoints.load(dir);
            assertMentions(assertThrows(CheckpointException.class, () -> PretrainedBodies.create(checkpoint, manager)),
                    "encoder.layer.1.", "not used");
        }
    }

    @Test
    void unknownArchitectureAndBadFields() throws IOException {
        RandomCheckpoints.write(dir, RandomCheckpoints.tiny(BodyConfig.Family.BERT), 1, false);
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"bert\"", "\"gpt2\""));
        assertMentions(assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir)), "config.json", "gpt2");
        Files.writeString(config, original.replace("\"num_attention_heads\" : 4", "\"num_attention_heads\" : 5"));
        assertMentions(assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir)), "config.json",
                "num_attention_heads");
        Files.writeString(config, original.replace("\"hidden_size\" : 16,", ""));
        assertMentions(assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir)), "config.json", "hidden_size");
        Files.writeString(config, "{not json");
        assertMentions(assertThrows(CheckpointException.class, () -> HfCheckpoints.load(dir)), "config.json", "JSON");
    }

    @Test
    void unknownOnnxLayoutNamesTheTensor() throws IOException {
        TensorProto weight = TensorProto.newBuilder().setName("onnx::MatMul_1").addDims(2).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(new byte[16])).build();
        NodeProto node = NodeProto.newBuilder().setName("/decoder/block.0/MatMul").setOpType("MatMul")
                .addInput("x").addInput("onnx::MatMul_1").addOutput("y").build();
        Path onnx = dir.resolve("model.onnx");
        Files.write(onnx, ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addInitializer(weight).addNode(node))
                .build().toByteArray());
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load(onnx.toString())),
                onnx.toString(), "onnx::MatMul_1", "/decoder/block.0/MatMul");

        TensorProto words = TensorProto.newBuilder().setName("embeddings.word_embeddings.weight").addDims(2).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(new byte[16])).build();
        Files.write(onnx, ModelProto.newBuilder().setGraph(GraphProto.newBuilder().addInitializer(words)).build().toByteArray());
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load(onnx.toString())),
                onnx.toString(), "embeddings.position_embeddings.weight");

        Files.write(onnx, new byte[] {1, 2, 3, 4, 5});
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load(onnx.toString())), onnx.toString());
    }

    @Test
    void hubIdWithoutNetworkSaysWhatToDownload() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> BodyCheckpoints.load("hf:nobody/no-such-model-xyz"));
        assertMentions(e, "nobody/no-such-model-xyz", "config.json", "model.safetensors", "tokenizer.json", "--local-dir");
        assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load("bundled:gpt-5")),
                "gpt-5", "all-minilm-l6-v2");
    }

    @Test
    void hubIdFoundInTheModelDirectory() throws IOException {
        // The lookup that a staged PVC or `huggingface-cli download --local-dir` satisfies.
        String previous = System.getProperty("orca.modelDir");
        System.setProperty("orca.modelDir", dir.toString());
        try {
            RandomCheckpoints.write(dir.resolve("orca-test/tiny-bert"), RandomCheckpoints.tiny(BodyConfig.Family.BERT), 3, false);
            BodyCheckpoint checkpoint = BodyCheckpoints.load("hf:orca-test/tiny-bert");
            assertTrue(checkpoint.source().startsWith(dir.resolve("orca-test/tiny-bert").toString()), checkpoint.source());
            assertMentions(assertThrows(CheckpointException.class, () -> BodyCheckpoints.load("hf:orca-test/other")),
                    dir.resolve("orca-test/other").toString());
        } finally {
            if (previous == null) {
                System.clearProperty("orca.modelDir");
            } else {
                System.setProperty("orca.modelDir", previous);
            }
        }
    }
}
