package dev.orca.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process memory as the kernel sees it: what a pod's memory limit is measured against. */
public final class MemoryStats {
    private MemoryStats() {}

    /** Peak resident set size (VmHWM) in MiB, or -1 where /proc is not available. */
    public static long peakRssMiB() {
        return field("VmHWM:");
    }

    /** Current resident set size (VmRSS) in MiB. */
    public static long rssMiB() {
        return field("VmRSS:");
    }

    /**
     * Minor page faults of the whole process so far (/proc/self/stat, field 10), or -1. Each is a page the kernel had to
     * hand out (zeroed) because the allocator gave one back: the step benchmark counts them per step.
     */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may hold spaces; the fields after it start past its closing parenthesis.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
