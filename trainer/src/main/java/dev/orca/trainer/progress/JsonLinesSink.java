package dev.orca.trainer.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends one JSON object per event to a file, flushed per line so a reader (or a restarted run) sees whole lines. */
public final class JsonLinesSink implements ProgressSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter writer;

    public JsonLinesSink(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            writer = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open progress file " + file, e);
        }
    }

    @Override
    public void accept(ProgressEvent event) {
        try {
            writer.write(JSON.writeValueAsString(event));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            System.err.println("orca: progress file write failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            System.err.println("orca: progress file close failed: " + e.getMessage());
        }
    }
}
