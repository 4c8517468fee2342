package dev.orca.operator.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a JVM's heap holds, live objects only ({@code jcmd <pid> GC.class_histogram}, which runs a full GC first): the
 * largest classes by bytes, the total, and optionally the rows whose class matches a pattern (which of the operator's,
 * fabric8's or the SDK's objects are alive, and so who holds the bytes).
 */
final class HeapHistogram {
    private final List<String> rows;

    private HeapHistogram(List<String> rows) {
        this.rows = rows;
    }

    static HeapHistogram of(long pid) throws IOException {
        return new HeapHistogram(jcmd(pid, "GC.class_histogram").stream()
                .filter(l -> l.matches("\\s*\\d+:.*|Total.*")).map(String::strip).toList());
    }

    /** The output lines of {@code jcmd <pid> <command...>} (this JVM's own jcmd). */
    static List<String> jcmd(long pid, String... command) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        args.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).start();
        return new String(jcmd.getInputStream().readAllBytes()).lines().toList();
    }

    /** Total live bytes (the histogram's last line). */
    long totalBytes() {
        return rows.stream().filter(l -> l.startsWith("Total")).map(l -> Long.parseLong(l.split("\\s+")[2])).findFirst().orElse(0L);
    }

    void print(int top, String focus) {
        rows.stream().filter(l -> !l.startsWith("Total")).limit(top).forEach(l -> System.out.println("  " + l));
        if (focus != null) {
            Pattern pattern = Pattern.compile(focus);
            rows.stream().filter(l -> !l.startsWith("Total") && pattern.matcher(l).find()).limit(40).forEach(l -> System.out.println("  " + l));
        }
    }
}
