package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ReadersTest {

    @TempDir
    Path dir;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(ReadersTest.class.getResource("/fixtures/data/" + name).toURI());
    }

    private static float[] expectedX() {
        float[] x = new float[24];
        for (int i = 0; i < 24; i++) {
            x[i] = i / 4f;
        }
        return x;
    }

    @Test
    void npyFilesWrittenByNumpy() throws Exception {
        DataArray f4 = Npy.read(fixture("f4.npy"));
        assertArrayEquals(new long[] {2, 3, 4}, f4.shape());
        assertArrayEquals(expectedX(), f4.values());
        assertArrayEquals(expectedX(), Npy.read(fixture("f8-big-endian.npy")).values());
        assertArrayEquals(new int[] {3, -1, 7}, Npy.read(fixture("i8.npy")).asLabels());
        assertArrayEquals(new float[] {0, 255, 7, 8}, Npy.read(fixture("u1.npy")).values());
        assertArrayEquals(new float[] {1, 0, 1}, Npy.read(fixture("bool.npy")).values());
        assertArrayEquals(new float[] {0.5f, -2f, 65504f}, Npy.read(fixture("f2.npy")).values());
        IllegalArgumentException fortran = assertThrows(IllegalArgumentException.class, () -> Npy.read(fixture("fortran.npy")));
        assertTrue(fortran.getMessage().contains("fortran.npy") && fortran.getMessage().contains("Fortran"));
    }

    @Test
    void npyWrittenHereReadsBackAndMatchesNumpysLayout() throws Exception {
        DataArray written = new DataArray("x", new long[] {2, 3, 4}, expectedX());
        Path file = dir.resolve("x.npy");
        Npy.write(file, written);
        DataArray read = Npy.read(file);
        assertArrayEquals(written.shape(), read.shape());
        assertArrayEquals(written.values(), read.values());
        // Byte for byte what numpy.save writes for the same float32 array (the fixture f4.npy).
        assertArrayEquals(Files.readAllBytes(fixture("f4.npy")), Files.readAllBytes(file));
        Npy.write(file, new DataArray("labels", new long[] {3}, new float[] {3, -1, 7}));
        assertArrayEquals(new int[] {3, -1, 7}, Npy.read(file).asLabels());
    }

    @Test
    void npzStoredAndCompressed() throws Exception {
        for (String name : List.of("stored.npz", "compressed.npz")) {
            Map<String, DataArray> arrays = Npy.readArchive(fixture(name));
            assertEquals(List.of("x", "y"), List.copyOf(arrays.keySet()));
            assertArrayEquals(expectedX(), arrays.get("x").values());
            assertArrayEquals(new int[] {1, 0}, arrays.get("y").asLabels());
        }
    }

    @Test
    void truncatedOrForeignNpy() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture("f4.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().contains("cut.npy") && e.getMessage().contains("truncated"), e.getMessage());
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello, world");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(text)).getMessage().contains("magic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Npy.read(dir.resolve("none.npy")))
                .getMessage().contains("no such file"));
    }

    /** An IDX file as the MNIST family stores it (big-endian header, then raw values). */
    public static void writeIdx(OutputStream raw, int type, int[] dims, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(raw);
        out.writeShort(0);
        out.writeByte(type);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        out.flush();
    }

    @Test
    void idxPlainAndGzipped() throws IOException {
        byte[] pixels = {0, 1, 2, (byte) 255, 4, 5};
        Path plain = dir.resolve("images-idx3-ubyte");
        try (OutputStream out = Files.newOutputStream(plain)) {
            writeIdx(out, 0x08, new int[] {2, 1, 3}, pixels);
        }
        DataArray a = Idx.read(plain);
        assertArrayEquals(new long[] {2, 1, 3}, a.shape());
        assertArrayEquals(new float[] {0, 1, 2, 255, 4, 5}, a.values());
        Path gz = dir.resolve("labels-idx1-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            writeIdx(out, 0x08, new int[] {3}, new byte[] {9, 0, 3});
        }
        assertArrayEquals(new float[] {9, 0, 3}, Idx.read(gz).values());
        assertArrayEquals(new int[] {9, 0, 3}, Idx.read(gz).asLabels());
        Path cut = dir.resolve("cut-idx");
        try (OutputStream out = Files.newOutputStream(cut)) {
            writeIdx(out, 0x08, new int[] {10}, new byte[] {1, 2});
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Idx.read(cut)).getMessage().contains("truncated"));
    }

    @Test
    void csvWithHeaderAndLabelColumn() throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, "a,b,label\n1,2,0\n3.5,-4,2\n\n");
        Csv.Table t = Csv.read(file, -1);
        assertArrayEquals(new long[] {2, 2}, t.features().shape());
        assertArrayEquals(new float[] {1, 2, 3.5f, -4}, t.features().values());
        assertArrayEquals(new int[] {0, 2}, t.labels().asLabels());
        Files.writeString(file, "1,2,0\n3,x,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(file, -1));
        assertTrue(e.getMessage().contains("line 2, column 2"), e.getMessage());
        Files.writeString(file, "1,2,0\n3,4\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Csv.read(file, -1)).getMessage().contains("line 2"));
    }

    /**
     * A spreadsheet's UTF-8 export starts with a byte-order mark: without a header every row is still an example (the
     * first was once taken for a header and lost); with one, the header is still recognised.
     */
    @Test
    void csvByteOrderMarkIsNotPartOfTheFirstCell() throws IOException {
        Path file = dir.resolve("bom.csv");
        Files.writeString(file, "\uFEFF0.5,1,3\n2,0.25,1\n", java.nio.charset.StandardCharsets.UTF_8);
        Csv.Table t = Csv.read(file, -1);
        assertArrayEquals(new long[] {2, 2}, t.features().shape(), "both rows are examples");
        assertArrayEquals(new float[] {0.5f, 1, 2, 0.25f}, t.features().values());
        assertArrayEquals(new int[] {3, 1}, t.labels().asLabels());
        Files.writeString(file, "\uFEFFx,y,label\n2,0.25,1\n", java.nio.charset.StandardCharsets.UTF_8);
        assertArrayEquals(new long[] {1, 2}, Csv.read(file, -1).features().shape());
    }

    /** A first row mixing numbers and text is neither a header nor an example: an error naming the cell, no lost row. */
    @Test
    void csvFirstRowIsAHeaderOnlyWhenNoCellIsANumber() throws IOException {
        Path file = dir.resolve("mixed.csv");
        Files.writeString(file, "0.5,1,n/a\n2,0.25,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Csv.read(file, -1));
        assertTrue(e.getMessage().contains("line 1, column 3") && e.getMessage().contains("'n/a'"), e.getMessage());
        Files.writeString(file, "\n\nfeature one,feature two,class\n2,0.25,1\n");
        assertArrayEquals(new long[] {1, 2}, Csv.read(file, -1).features().shape(), "a header after blank lines");
    }

    @Test
    void cifarBinaryRecords() throws IOException {
        byte[] bytes = new byte[2 * 3073];
        bytes[0] = 7;
        bytes[1] = (byte) 255;
        bytes[3073] = 2;
        bytes[3073 + 3072] = 51;
        Path file = dir.resolve("data_batch_1.bin");
        Files.write(file, bytes);
        Cifar.Batch batch = Cifar.read(file, false);
        assertArrayEquals(new long[] {2, 3, 32, 32}, batch.images().shape());
        assertArrayEquals(new int[] {7, 2}, batch.labels().asLabels());
        assertEquals(1f, batch.images().values()[0]);
        assertEquals(0.2f, batch.images().values()[2 * 3072 - 1], 1e-6);
        Files.write(file, new byte[3000]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cifar.read(file, false)).getMessage().contains("records"));
    }

    @Test
    void jsbChoralesToPianoRolls() throws IOException {
        Path file = dir.resolve("jsb.json");
        Files.writeString(file, "{\"train\": [[[60, 64, 67], [21, 108]], [[]]], \"valid\": [], \"test\": []}");
        List<DataArray> train = JsbChorales.read(file, "train");
        assertEquals(2, train.size());
        assertArrayEquals(new long[] {2, 88}, train.get(0).shape());
        float[] roll = train.get(0).values();
        assertEquals(1f, roll[60 - 21]);
        assertEquals(1f, roll[88 + 0]);
        assertEquals(1f, roll[88 + 87]);
        assertEquals(5, (int) java.util.stream.IntStream.range(0, roll.length).filter(i -> roll[i] == 1).count());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JsbChorales.read(file, "dev")).getMessage().contains("dev"));
        Files.writeString(file, "{\"train\": [[[12]]]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JsbChorales.read(file, "train")).getMessage()
                .contains("chorale 0, step 0"));
    }

    @Test
    void jsbNextFrameExamplesNeverSeeTheFrameTheyPredict() throws IOException {
        Path file = dir.resolve("jsb.json");
        // One chorale of 4 frames, frame t sounds only key 60 + t.
        Files.writeString(file, "{\"train\": [[[60], [61], [62], [63]]]}");
        JsbChorales.NextFrame examples = JsbChorales.nextFrameExamples(JsbChorales.read(file, "train"), 2, "jsb");
        assertArrayEquals(new long[] {3, 88, 2}, examples.context().shape());
        assertArrayEquals(new long[] {3, 88}, examples.next().shape());
        float[] x = examples.context().values();
        float[] y = examples.next().values();
        for (int e = 0; e < 3; e++) {
            int t = e + 1;
            assertEquals(1f, y[e * 88 + 60 - 21 + t], "example " + e + " predicts frame " + t);
            int key = 60 - 21 + t;
            assertEquals(1f, x[(e * 88 + key - 1) * 2 + 1], "slot 1 holds frame t-1");
            assertEquals(t >= 2 ? 1f : 0f, x[(e * 88 + key - 2) * 2], "slot 0 holds frame t-2, zero before the start");
            assertEquals(0f, x[(e * 88 + key) * 2] + x[(e * 88 + key) * 2 + 1], "the predicted frame is not in the context");
        }
        float total = 0;
        for (float v : x) {
            total += v;
        }
        assertEquals(5f, total, "one note per frame: 1 + 2 + 2 in the three contexts");
    }
}
