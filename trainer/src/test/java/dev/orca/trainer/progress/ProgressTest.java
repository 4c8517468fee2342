package dev.orca.trainer.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.TrainerStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {

    @Test
    void jsonLinesAppendWholeEventsThatReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run/progress.jsonl");
        try (JsonLinesSink sink = new JsonLinesSink(file)) {
            sink.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 3, 60, 3, 12.5, 12.5, 120L));
        }
        try (JsonLinesSink sink = new JsonLinesSink(file)) { // a restarted run appends
            sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 1, 100, 40, 0.7, null, 3600L)
                    .withMetric("zeroOneError", 0.25, "validation"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertEquals("ALIGNING", first.get("stage").asText());
        assertEquals(12.5, first.get("otdd").asDouble());
        assertFalse(first.has("metric"), "absent values are omitted");
        ProgressEvent second = json.readValue(lines.get(1), ProgressEvent.class);
        assertEquals(0.25, second.metricValue());
        assertEquals("validation", second.split());
        assertNull(second.otdd());
    }

    @Test
    void consoleBarAndPlainLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleSink sink = new ConsoleSink(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        sink.accept(ProgressEvent.epoch(TrainerStage.FINE_TUNING, 6, 24, 60, 0.5, null, 3725L)
                .withMetric("oneMinusF1", 0.125, "validation"));
        String line = bytes.toString(StandardCharsets.UTF_8).trim();
        assertEquals("fine-tuning [######..................] 6/24  loss 0.5000  oneMinusF1 0.1250 (validation)  eta 1:02:05", line);
        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        ConsoleSink bar = new ConsoleSink(new PrintStream(tty, true, StandardCharsets.UTF_8), true);
        bar.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 1, 2, 1, 3.0, 3.0, null));
        bar.accept(ProgressEvent.epoch(TrainerStage.ALIGNING, 2, 2, 2, 2.0, 2.0, null));
        String drawn = tty.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\r\033[2K") && drawn.indexOf('\n') == drawn.length() - 1, "redrawn in place: " + drawn);
    }

    @Test
    void etaFromMeanEpochTime() {
        EtaEstimator eta = new EtaEstimator();
        assertNull(eta.remaining(10, 0, 1));
        eta.epochTook(2);
        eta.epochTook(4);
        assertEquals(30L, eta.remaining(10, 0, 1));
        assertEquals(75L, eta.remaining(10, 5, 3)); // 3 s x (10 + 5 x 3)
    }
}
