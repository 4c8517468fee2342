package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs into one directory: the second fails at once, naming the directory and who holds it; the lock goes with its run. */
class RunLockTest {

    @Test
    void aSecondRunIntoTheSameDirectoryIsRefusedUntilTheFirstEnds(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        try (RunLock first = RunLock.hold(out)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RunLock.hold(out));
            assertTrue(refused.getMessage().contains(out + " is in use by another run (process "), refused.getMessage());
            assertTrue(Files.readString(out.resolve(RunLock.FILE)).startsWith("process "));
        }
        try (RunLock again = RunLock.hold(out)) {
            assertTrue(Files.exists(out.resolve(RunLock.FILE)), "taken again once the first run let go");
        }
    }

    @Test
    void anotherProcessHoldingTheLockIsSeenToo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        // A second JVM takes the lock the way a second orca run would, and keeps it while this one tries.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.orca.trainer.run.RunLockTest$Holder", out.toString()).redirectErrorStream(true).start();
        try {
            String ready = new String(holder.getInputStream().readNBytes(5));
            assertTrue(ready.equals("held\n"), ready);
            assertThrows(IllegalStateException.class, () -> RunLock.hold(out));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (RunLock mine = RunLock.hold(out)) {
            assertTrue(Files.readString(out.resolve(RunLock.FILE)).contains(String.valueOf(ProcessHandle.current().pid())),
                    "a killed holder leaves no stale lock");
        }
    }

    /** The other process. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock lock = RunLock.hold(Path.of(args[0]))) {
                System.out.print("held\n");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }
}
