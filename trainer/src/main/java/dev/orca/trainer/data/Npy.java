package dev.orca.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * NumPy's {@code .npy} and {@code .npz} formats (C order; float, signed/unsigned integer and bool dtypes,
 * either byte order), converted to float. Written here because the format is a header and raw data and no
 * maintained Java reader exists on Maven Central; errors name the file and, for .npz, the entry.
 */
public final class Npy {
    private Npy() {}

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public static DataArray read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            DataLimits.fits(file.toString(), Files.size(file), "reading the file");
            return parse(file.toString(), in.readAllBytes());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code array} as a version-1 {@code .npy} file of little-endian float32 in C order, so that numpy (and the
     * reference scripts under trainer/src/test/python) can read exactly the data a benchmark used.
     */
    public static void write(Path file, DataArray array) {
        // A Python tuple: "(2, 3, 4)", and "(3,)" for one dimension.
        String dims = java.util.Arrays.stream(array.shape()).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(", ")) + (array.shape().length == 1 ? "," : "");
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
        // The header (with magic and length) is padded with spaces to a multiple of 64 bytes and ends in a newline.
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + 4 * array.values().length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        out.putShort((short) header.length()).put(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.asFloatBuffer().put(array.values());
        try {
            Files.write(file, out.array());
        } catch (IOException e) {
            // A failed write is the storage's (full, gone), never the input's: retryable, not invalid input.
            throw new java.io.UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Every array of an {@code .npz} archive, by name without the {@code .npy} suffix. */
    public static Map<String, DataArray> readArchive(Path file) {
        Map<String, DataArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName().endsWith(".npy")
                        ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
                byte[] bytes = DataLimits.readAtMost(zip, DataLimits.decompressedLimit(), file + " [" + name + "]");
                out.put(name, parse(file + " [" + name + "]", bytes));
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException known && known.getMessage() != null && known.getMessage().startsWith(file.toString())) {
                throw known;
            }
            throw new IllegalArgumentException(file + ": not a readable .npz archive: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": not an .npz archive (no entries)");
        }
        return out;
    }

    static DataArray parse(String source, byte[] bytes) {
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new IllegalArgumentException(source + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        if (major < 1 || major > 3) {
            throw new IllegalArgumentException(source + ": .npy format version " + major + " is not one of 1, 2, 3");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buffer.getShort(8) & 0xffff;
            headerStart = 10;
        } else {
            if (bytes.length < 12) {
                throw new IllegalArgumentException(source + ": truncated header");
            }
            headerLength = buffer.getInt(8) & 0xffffffffL; // unsigned, as numpy writes it
            headerStart = 12;
        }
        if (headerStart + headerLength > bytes.length) {
            throw new IllegalArgumentException(source + ": the header claims " + headerLength + " bytes, the file has "
                    + (bytes.length - headerStart) + " after its start");
        }
        String header = new String(bytes, headerStart, (int) headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new IllegalArgumentException(source + ": unreadable header " + excerpt(header.trim()));
        }
        if (fortran.group(1).equals("True")) {
            throw new IllegalArgumentException(source + ": Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        String[] dims = shapeMatch.group(1).split(",");
        long[] shape;
        long count = 1;
        try {
            shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
            for (long d : shape) {
                if (d < 0) {
                    throw new NumberFormatException("negative size " + d);
                }
                count = Math.multiplyExact(count, d);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(source + ": shape (" + dims.length + " sizes) is not a tuple of sizes: "
                    + excerpt(shapeMatch.group(1)));
        }
        char kind = descr.group(2).charAt(0);
        int width;
        try {
            width = Integer.parseInt(descr.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": dtype " + descr.group(0) + " is not supported");
        }
        if (!java.util.Set.of("f4", "f8", "f2", "i1", "u1", "b1", "i2", "u2", "i4", "u4", "i8", "u8").contains(kind + "" + width)) {
            throw new IllegalArgumentException(source + ": dtype " + descr.group(0) + " is not supported");
        }
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long dataStart = headerStart + headerLength;
        if (count > Integer.MAX_VALUE || dataStart + count * width > bytes.length) {
            throw new IllegalArgumentException(source + ": shape " + shapeMatch.group(1) + " of " + kind + width
                    + " needs " + count * width + " bytes, the file has " + (bytes.length - dataStart) + " (truncated?)");
        }
        DataLimits.fits(source, count * 4, "shape " + shapeMatch.group(1).trim());
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, (int) (count * width)).slice().order(order);
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (kind + "" + width) {
                case "f4" -> data.getFloat();
                case "f8" -> (float) data.getDouble();
                case "f2" -> dev.orca.trainer.nd.Half.toFloat(data.getShort());
                case "i1" -> data.get();
                case "u1", "b1" -> data.get() & 0xff;
                case "i2" -> data.getShort();
                case "u2" -> data.getShort() & 0xffff;
                case "i4" -> data.getInt();
                case "u4" -> data.getInt() & 0xffffffffL;
                case "i8" -> data.getLong();
                case "u8" -> data.getLong();
                default -> throw new IllegalArgumentException(source + ": dtype " + descr.group(0) + " is not supported");
            };
        }
        return new DataArray(source, shape, DataLimits.finite(source, values));
    }

    /** A header excerpt short enough for one line of an error message. */
    private static String excerpt(String s) {
        String line = s.replaceAll("\\s+", " ");
        return line.length() <= 60 ? line : line.substring(0, 59) + "\u2026";
    }
}
