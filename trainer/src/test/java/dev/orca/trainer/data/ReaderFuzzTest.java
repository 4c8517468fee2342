package dev.orca.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reader, 1000 seeded mutations of a valid file each, in a JVM of 256 MiB: values or a one-line refusal naming the file. */
class ReaderFuzzTest {

    @Test
    void mutatedFilesAreReadOrRefusedNeverCrashTheReader(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), ReaderFuzz.class.getName(),
                dir.toString(), "1000", "20261202").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        assertEquals(0, exit, output);
        Matcher m = Pattern.compile("(?m)^(\\w+): (\\d+) cases, (\\d+) read, (\\d+) refused, 0 escaped$").matcher(output);
        List<String> formats = new java.util.ArrayList<>();
        while (m.find()) {
            formats.add(m.group(1));
            assertEquals(1000, Integer.parseInt(m.group(2)), output);
            assertTrue(Integer.parseInt(m.group(4)) > 100, "most mutations are refused, not silently read: " + output);
        }
        assertEquals(List.of("npy", "npz", "idx", "csv", "cifar", "jsb", "safetensors"), formats, output);
    }
}
