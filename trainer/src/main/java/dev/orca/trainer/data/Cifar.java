package dev.orca.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CIFAR binary format: per image one label byte (CIFAR-10) or coarse + fine label bytes (CIFAR-100),
 * then 3 × 32 × 32 pixel bytes, channel-major. Pixels are scaled to [0, 1].
 */
public final class Cifar {
    private Cifar() {}

    public record Batch(DataArray images, DataArray labels) {}

    public static Batch read(Path file, boolean cifar100) {
        byte[] bytes;
        try {
            DataLimits.fits(file.toString(), Files.size(file), "reading the file");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        int labelBytes = cifar100 ? 2 : 1;
        int record = labelBytes + 3072;
        if (bytes.length == 0 || bytes.length % record != 0) {
            throw new IllegalArgumentException(file + ": " + bytes.length + " bytes is not a whole number of "
                    + (cifar100 ? "CIFAR-100" : "CIFAR-10") + " records of " + record + " bytes");
        }
        int n = bytes.length / record;
        DataLimits.fits(file.toString(), 4L * n * 3073, n + " images");
        float[] images = new float[n * 3072];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int at = i * record;
            labels[i] = bytes[at + labelBytes - 1] & 0xff; // CIFAR-100: the fine label
            for (int p = 0; p < 3072; p++) {
                images[i * 3072 + p] = (bytes[at + labelBytes + p] & 0xff) / 255f;
            }
        }
        return new Batch(new DataArray(file.toString(), new long[] {n, 3, 32, 32}, images),
                new DataArray(file + " [labels]", new long[] {n}, labels));
    }
}
