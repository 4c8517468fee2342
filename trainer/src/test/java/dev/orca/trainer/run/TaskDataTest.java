package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orca.crd.OrcaExperimentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDataTest {

    @TempDir
    Path dir;

    /**
     * 20 rows of 6 features and a label. Feature j of row r is 10·j + r for the first three columns and
     * −10·j + r for the last three, so after per-channel standardisation channel 0 rises along its positions
     * and channel 1 falls — only if columns 0–2 became channel 0 and 3–5 channel 1.
     */
    private OrcaExperimentSpec csvTask(String inputShape) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < 20; r++) {
            for (int j = 0; j < 6; j++) {
                csv.append(j < 3 ? 10 * j + r : -10 * j + r).append(',');
            }
            csv.append(r % 2).append('\n');
        }
        Path data = Files.writeString(dir.resolve("rows.csv"), csv);
        Path yaml = Files.writeString(dir.resolve("task.yaml"), """
                task:
                  type: classification
                  inputShape: %s
                  numClasses: 2
                  metric: zeroOneError
                  data: { files: { train: %s, format: csv } }
                body: { checkpoint: bundled:all-minilm-l6-v2 }
                mode: finetune
                """.formatted(inputShape, data));
        return ExperimentFiles.read(yaml);
    }

    @Test
    void flatCsvRowsAreReadIntoTheDeclaredShapeRowMajor() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = TaskData.load(csvTask("[2, 3]"), manager).x();
            assertArrayEquals(new long[] {20, 2, 3}, x.getShape().getShape());
            for (int r = 0; r < 20; r++) {
                float[] rising = x.get(r, 0).toFloatArray();
                float[] falling = x.get(r, 1).toFloatArray();
                assertTrue(rising[0] < rising[1] && rising[1] < rising[2], "row " + r + " channel 0");
                assertTrue(falling[0] > falling[1] && falling[1] > falling[2], "row " + r + " channel 1");
            }
        }
    }

    @Test
    void aShapeWithAnotherNumberOfValuesIsRefusedNamingTheField() throws IOException {
        OrcaExperimentSpec spec = csvTask("[2, 4]");
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskData.load(spec, manager));
            assertTrue(e.getMessage().contains("spec.task.inputShape") && e.getMessage().contains("[6]"), e.getMessage());
        }
    }

    /** An npz as numpy.savez writes it: one .npy member per array. */
    private Path npz(String name, java.util.Map<String, dev.orca.trainer.data.DataArray> arrays) throws IOException {
        Path file = dir.resolve(name);
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : arrays.entrySet()) {
                Path member = dir.resolve(e.getKey() + ".npy");
                dev.orca.trainer.data.Npy.write(member, e.getValue());
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey() + ".npy"));
                zip.write(Files.readAllBytes(member));
                zip.closeEntry();
            }
        }
        return file;
    }

    private static dev.orca.trainer.data.DataArray array(String name, long[] shape, float... values) {
        return new dev.orca.trainer.data.DataArray(name, shape, values);
    }

    @Test
    void npzCarriesCosmicsIgnoreMaskAndFsdsClipIds() throws IOException {
        float[] x = new float[12 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7;
        }
        float[] y = new float[12 * 4];
        float[] ignore = new float[12 * 4];
        ignore[5] = 1;
        java.util.Map<String, dev.orca.trainer.data.DataArray> arrays = new java.util.LinkedHashMap<>();
        arrays.put("x", array("x", new long[] {12, 1, 4}, x));
        arrays.put("y", array("y", new long[] {12, 1, 4}, y));
        arrays.put("ignore", array("ignore", new long[] {12, 1, 4}, ignore));
        Path dense = npz("dense.npz", arrays);
        Path yaml = Files.writeString(dir.resolve("dense.yaml"), """
                task: { type: dense, inputShape: [1, 4], outputShape: [1, 4], metric: oneMinusAuroc, loss: binaryCrossEntropy,
                        data: { files: { train: %s, format: npz } } }
                body: { checkpoint: bundled:all-minilm-l6-v2 }
                mode: finetune
                """.formatted(dense));
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskData data = TaskData.load(ExperimentFiles.read(yaml), manager);
            assertArrayEquals(ignore, data.ignore());
            org.junit.jupiter.api.Assertions.assertNull(data.clips());
        }
        arrays.put("ignore", array("ignore", new long[] {12, 4}, ignore));
        Path misshapen = npz("misshapen.npz", arrays);
        Files.writeString(yaml, Files.readString(yaml).replace(dense.toString(), misshapen.toString()));
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TaskData.load(ExperimentFiles.read(yaml), manager));
            assertTrue(e.getMessage().contains("ignore has shape [12, 4]"), e.getMessage());
        }
        arrays.remove("ignore");
        arrays.put("clip", array("clip", new long[] {12}, 0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 5));
        Path clips = npz("clips.npz", arrays);
        Files.writeString(yaml, Files.readString(yaml).replace(misshapen.toString(), clips.toString()));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 5}, TaskData.load(ExperimentFiles.read(yaml), manager).clips());
        }
    }
}
