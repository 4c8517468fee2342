package dev.orca.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The IDX format of the MNIST family (big-endian; gzip-compressed files are recognised by their suffix). */
public final class Idx {
    private Idx() {}

    public static DataArray read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(
                     file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw))) {
            int zero = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int dims = in.readUnsignedByte();
            if (zero != 0 || dims == 0) {
                throw new IllegalArgumentException(file + ": not an IDX file (bad magic)");
            }
            long[] shape = new long[dims];
            long count = 1;
            for (int i = 0; i < dims; i++) {
                shape[i] = in.readInt() & 0xffffffffL;
                count = Math.multiplyExact(count, shape[i]);
            }
            int width = switch (type) {
                case 0x08, 0x09 -> 1;
                case 0x0B -> 2;
                case 0x0C, 0x0D -> 4;
                case 0x0E -> 8;
                default -> throw new IllegalArgumentException(file + ": unknown IDX data type 0x" + Integer.toHexString(type));
            };
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": the header claims " + count + " values, more than one array holds");
            }
            // The header is a claim: an uncompressed file must hold what it declares before anything is allocated for it.
            long declared = 4L + 4L * dims + count * width;
            if (!file.toString().endsWith(".gz") && declared > Files.size(file)) {
                throw new IllegalArgumentException(file + ": truncated: the header declares " + count + " values (" + declared
                        + " bytes), the file has " + Files.size(file) + " bytes");
            }
            DataLimits.fits(file.toString(), count * 4, "the declared shape " + java.util.Arrays.toString(shape));
            float[] values = new float[(int) count];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (type) {
                    case 0x08 -> in.readUnsignedByte();
                    case 0x09 -> in.readByte();
                    case 0x0B -> in.readShort();
                    case 0x0C -> in.readInt();
                    case 0x0D -> in.readFloat();
                    case 0x0E -> (float) in.readDouble();
                    default -> throw new IllegalArgumentException(file + ": unknown IDX data type 0x" + Integer.toHexString(type));
                };
            }
            return new DataArray(file.toString(), shape, DataLimits.finite(file.toString(), values));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated (fewer values than its header declares)", e);
        } catch (IOException | ArithmeticException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
