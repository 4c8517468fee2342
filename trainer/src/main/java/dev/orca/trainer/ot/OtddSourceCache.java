package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A directory of source–source OTDD terms keyed by a hash of the source features, labels and options,
 * so that a second experiment on the same body and proxy source (or a restarted pod) does not solve the
 * 5000 × 5000 problem again. Files are written atomically; a corrupt file is recomputed, not trusted.
 */
public final class OtddSourceCache {

    /** What is cached: the source–source label distances and the source self-transport value. */
    public record Entry(double[][] labelDistances, double selfValue) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;

    public OtddSourceCache(Path directory) {
        this.directory = directory;
    }

    Entry find(NDArray features, int[] labels, OtddOptions options) {
        Path file = fileFor(features, labels, options);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Entry entry = JSON.readValue(file.toFile(), Entry.class);
            return entry.labelDistances() == null ? null : entry;
        } catch (IOException e) {
            return null; // unreadable: recompute and overwrite
        }
    }

    void store(NDArray features, int[] labels, OtddOptions options, Entry entry) {
        Path file = fileFor(features, labels, options);
        // Experiments running at once (body-selection candidates) share the cache: each writes its own temporary file.
        dev.orca.trainer.io.AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), entry));
    }

    Path fileFor(NDArray features, int[] labels, OtddOptions options) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(features.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toByteBuffer());
            ByteBuffer labelBytes = ByteBuffer.allocate(4 * labels.length).order(ByteOrder.LITTLE_ENDIAN);
            labelBytes.asIntBuffer().put(labels);
            digest.update(labelBytes);
            digest.update(options.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return directory.resolve("otdd-source-" + HexFormat.of().formatHex(digest.digest()).substring(0, 32) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
