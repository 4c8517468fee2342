package dev.orca.trainer.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
            throw new UncheckedIOException("cannot write " + target, e);
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

    public static void writeString(Path target, String text) {
        write(target, file -> Files.writeString(file, text));
    }
}
