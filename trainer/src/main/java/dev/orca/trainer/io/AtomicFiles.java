package dev.orca.trainer.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that a resumed run, another pod or the operator reads back are replaced whole: written under a unique
 * temporary name beside the target (so that two writers never share one), flushed to the device, then renamed over
 * the target. A reader sees the old file or the new one, never a torn one; a pod killed mid-write leaves a stray
 * {@code .tmp} that the next write ignores.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content to a given (temporary) file. */
    public interface Content {
        void writeTo(Path file) throws IOException;
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    public static void write(Path target, Content content) {
        Path tmp = null;
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            content.writeTo(tmp);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is harmless: it is never read
                }
            }
        }
    }

    public static void writeJson(Path target, Object value) {
        write(target, file -> JSON.writeValue(file.toFile(), value));
    }

    /** Reads what {@link #writeJson} wrote (NaN and infinities included, which the metrics can be). */
    public static <T> T readJson(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static void writeString(Path target, String text) {
        write(target, file -> Files.writeString(file, text));
    }
}
