package dev.orca.trainer.data;

import dev.orca.trainer.checkpoint.CheckpointException;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Mutates a valid file of each format a seeded number of times and reads each result: every outcome must be a
 * value or one refusal naming the file on one line ({@link IllegalArgumentException} or {@link CheckpointException}),
 * never another exception, an error or an OutOfMemoryError. Run by {@link ReaderFuzzTest} in a JVM with a small heap,
 * so that a header claiming gigabytes fails the run if a reader believes it.
 *
 * <p>{@code ReaderFuzz <dir> <cases per format> <seed>}; prints one line per format and exits 1 if anything escaped.
 */
public final class ReaderFuzz {

    record Format(String name, String suffix, byte[] valid, boolean text, Consumer<Path> reader) {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cases = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        Files.createDirectories(dir);
        boolean escaped = false;
        for (Format f : formats(dir)) {
            int read = 0;
            int refused = 0;
            List<String> escapes = new ArrayList<>();
            Random random = new Random(seed ^ f.name().hashCode());
            for (int c = 0; c < cases; c++) {
                Path file = dir.resolve(f.name() + "-" + c + f.suffix());
                Files.write(file, mutate(f.valid(), f.text(), random));
                try {
                    f.reader().accept(file);
                    read++;
                } catch (IllegalArgumentException | CheckpointException e) {
                    String m = e.getMessage();
                    if (m != null && m.startsWith(file.toString()) && !m.contains("\n")) {
                        refused++;
                    } else {
                        escapes.add("case " + c + ": message does not name the file on one line: " + m);
                    }
                } catch (Throwable t) {
                    escapes.add("case " + c + ": " + t);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
            System.out.printf("%s: %d cases, %d read, %d refused, %d escaped%n", f.name(), cases, read, refused, escapes.size());
            escapes.stream().limit(5).forEach(e -> System.out.println("  " + e));
            escaped |= !escapes.isEmpty();
        }
        System.exit(escaped ? 1 : 0);
    }

    static byte[] mutate(byte[] valid, boolean text, Random r) {
        byte[] b = valid.clone();
        int kind = r.nextInt(text ? 8 : 7);
        switch (kind) {
            case 0 -> { // flip a few bytes
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2, 3 -> { // a header field set to an extreme value, either byte order, mostly near the start
                int width = kind == 2 ? 4 : 8;
                int at = r.nextInt(Math.max(1, Math.min(b.length, r.nextBoolean() ? 64 : b.length) - width + 1));
                long[] extremes = {0x7FFFFFFEL, 0xFFFFFFF0L, 0x80000000L, 0x7FFFFFFFFFFFFFF0L, -1L, 0xFFFFL, 0x7FFFL, 0L};
                ByteBuffer buf = ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                if (at + width <= b.length) {
                    long v = extremes[r.nextInt(extremes.length)];
                    if (width == 4) {
                        buf.putInt(at, (int) v);
                    } else {
                        buf.putLong(at, v);
                    }
                }
            }
            case 4 -> { // insert random bytes
                int at = r.nextInt(b.length + 1);
                byte[] extra = new byte[1 + r.nextInt(16)];
                r.nextBytes(extra);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, at);
                out.writeBytes(extra);
                out.write(b, at, b.length - at);
                b = out.toByteArray();
            }
            case 5 -> { // delete a range
                int from = r.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + r.nextInt(32));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, from);
                out.write(b, to, b.length - to);
                b = out.toByteArray();
            }
            case 6 -> { // repeat a chunk many times (a longer, self-similar file)
                int from = r.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + r.nextInt(64));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(b, 0, to);
                for (int i = 0; i < 1 + r.nextInt(200); i++) {
                    out.write(b, from, to - from);
                }
                out.write(b, to, b.length - to);
                b = out.toByteArray();
            }
            default -> { // text: a token that parses but should not be accepted, or breaks the structure
                String[] tokens = {"NaN", "Infinity", "-1e999", "1e999", "[", "]", "{", "}", ",", "\"", "[[[[[[[[[[", "null", "true"};
                String s = new String(b, StandardCharsets.UTF_8);
                int at = r.nextInt(s.length() + 1);
                s = s.substring(0, at) + tokens[r.nextInt(tokens.length)] + s.substring(Math.min(s.length(), at + r.nextInt(3)));
                b = s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return b;
    }

    static List<Format> formats(Path dir) throws IOException {
        List<Format> out = new ArrayList<>();
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        Path npy = dir.resolve("seed.npy");
        Npy.write(npy, new DataArray("x", new long[] {4, 6}, values));
        out.add(new Format("npy", ".npy", Files.readAllBytes(npy), false, Npy::read));

        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (String name : List.of("x", "y")) {
                z.putNextEntry(new ZipEntry(name + ".npy"));
                z.write(Files.readAllBytes(npy));
                z.closeEntry();
            }
        }
        out.add(new Format("npz", ".npz", zip.toByteArray(), false, Npy::readArchive));

        ByteBuffer idx = ByteBuffer.allocate(4 + 3 * 4 + 2 * 4 * 4).order(ByteOrder.BIG_ENDIAN);
        idx.putShort((short) 0).put((byte) 0x08).put((byte) 3).putInt(2).putInt(4).putInt(4);
        for (int i = 0; i < 32; i++) {
            idx.put((byte) (i * 7));
        }
        out.add(new Format("idx", ".idx", idx.array(), false, Idx::read));

        String csv = "a,b,c,label\n0.5,1.5,-2,0\n1,2,3,1\n4,5.25,6,2\n";
        out.add(new Format("csv", ".csv", csv.getBytes(StandardCharsets.UTF_8), true, f -> Csv.read(f, -1)));

        byte[] cifar = new byte[2 * 3073];
        new Random(1).nextBytes(cifar);
        cifar[0] = 3;
        cifar[3073] = 7;
        out.add(new Format("cifar", ".bin", cifar, false, f -> Cifar.read(f, false)));

        String jsb = "{\"train\": [[[60, 64, 67], [62], []], [[65, 69]]], \"valid\": [[[60]]], \"test\": [[[72, 76]]]}";
        out.add(new Format("jsb", ".json", jsb.getBytes(StandardCharsets.UTF_8), true, f -> JsbChorales.read(f, "train")));

        Path st = dir.resolve("seed.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        Safetensors.write(st, List.of(new TensorData("a.weight", new long[] {4, 3}, java.util.Arrays.copyOf(values, 12)),
                new TensorData("a.bias", new long[] {4}, java.util.Arrays.copyOf(values, 4))), meta);
        out.add(new Format("safetensors", ".safetensors", Files.readAllBytes(st), false, Safetensors::read));
        return out;
    }
}
