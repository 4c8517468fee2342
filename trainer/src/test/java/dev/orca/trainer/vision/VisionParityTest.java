package dev.orca.trainer.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.checkpoint.CheckpointException;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.nn.SeededDropout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ViT and Swin against torchvision 0.14 on tiny random configurations (fixtures by
 * src/test/python/vision_fixtures.py, renamed to Hugging Face's names and loaded as HF checkpoints).
 */
class VisionParityTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/vision");

    @ParameterizedTest
    @ValueSource(strings = {"vit", "swin"})
    void lastHiddenStateMatchesTorchvision(String family) {
        Path dir = FIXTURES.resolve(family);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionBody body = VisionCheckpoints.create(VisionCheckpoints.load(dir), manager, new SeededDropout(0));
            DataArray x = Npy.read(dir.resolve("input.npy"));
            DataArray y = Npy.read(dir.resolve("output.npy"));
            NDArray out = body.forward(new ParameterStore(manager, false), new NDList(manager.create(x.values(), new Shape(x.shape()))),
                    false).singletonOrThrow();
            assertArrayEquals(y.shape(), out.getShape().getShape());
            float[] got = out.toFloatArray();
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - y.values()[i]));
            }
            assertTrue(worst <= 1e-4, family + ": max |difference| " + worst);
        }
    }

    @Test
    void impossibleConfigurationsAreNamed() {
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> new VisionConfig(
                VisionConfig.Family.SWIN, 32, 4, 3, 8, new int[] {2}, new int[] {2}, 16, 4, 1e-5f));
        assertTrue(window.getMessage().contains("window_size 16 is larger than the 8x8 feature map"), window.getMessage());
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> new VisionConfig(
                VisionConfig.Family.VIT, 16, 4, 3, 18, new int[] {2}, new int[] {4}, 0, 4, 1e-6f));
        assertTrue(heads.getMessage().contains("width 18 is not divisible by its 4 attention heads"), heads.getMessage());
        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class, () -> new VisionConfig(
                VisionConfig.Family.SWIN, 40, 4, 3, 8, new int[] {2, 2}, new int[] {2, 4}, 4, 4, 1e-5f));
        assertTrue(grid.getMessage().contains("not a multiple of window_size 4"), grid.getMessage());
    }

    @Test
    void aMissingTensorIsNamed() {
        VisionCheckpoints.VisionCheckpoint full = VisionCheckpoints.load(FIXTURES.resolve("swin"));
        var tensors = new LinkedHashMap<>(full.tensors());
        tensors.remove("encoder.layers.1.blocks.1.attention.self.relative_position_bias_table");
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> VisionCheckpoints.create(
                    new VisionCheckpoints.VisionCheckpoint(full.source(), full.config(), tensors), manager, new SeededDropout(0)));
            assertTrue(e.getMessage().contains("encoder.layers.1.blocks.1.attention.self.relative_position_bias_table"), e.getMessage());
        }
    }

    @Test
    void aConfigThatDoesNotMatchTheWeightsIsNamed(@TempDir Path dir) throws IOException {
        Files.copy(FIXTURES.resolve("vit/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("config.json"), Files.readString(FIXTURES.resolve("vit/config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> VisionCheckpoints.create(VisionCheckpoints.load(dir), manager, new SeededDropout(0)));
            assertTrue(e.getMessage().contains("encoder.layer.1.") && e.getMessage().contains("not used"), e.getMessage());
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"deit\"}");
        CheckpointException type = assertThrows(CheckpointException.class, () -> VisionCheckpoints.load(dir));
        assertTrue(type.getMessage().contains("model_type 'deit'"), type.getMessage());
    }

    /** Every tensor of swin-base-patch4-window7-224 (names and shapes as Hugging Face stores them) has its place. */
    @Test
    void swinBaseMapsCompletely() throws IOException {
        java.util.Map<String, String> expected = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(FIXTURES.resolve("swin-base-patch4-window7-224.params.txt"))) {
            if (line.startsWith("#") || line.contains("relative_position_index")) {
                continue; // buffers the body computes itself
            }
            int space = line.indexOf(' ');
            expected.put(line.substring(0, space), line.substring(space + 1));
        }
        VisionConfig base = new VisionConfig(VisionConfig.Family.SWIN, 224, 4, 3, 128, new int[] {2, 2, 18, 2}, new int[] {4, 8, 16, 32},
                7, 4.0, 1e-5f);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionBody body = new VisionBody(base, new SeededDropout(0));
            body.initialize(manager, 1);
            java.util.Map<String, String> actual = new java.util.TreeMap<>();
            body.namedParameters().forEach((name, slot) -> {
                long[] shape = slot.parameter().getArray().getShape().getShape().clone();
                if (!slot.isWhole()) {
                    shape[0] = slot.rows(); // one of the fused query/key/value row blocks
                }
                actual.put(name, java.util.Arrays.stream(shape).mapToObj(Long::toString).collect(java.util.stream.Collectors.joining(" ")));
            });
            org.junit.jupiter.api.Assertions.assertEquals(expected, actual);
        }
    }
}
