package dev.orca.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per run directory: an operating-system lock on {@code <out>/.lock}, held for the whole command and let go
 * when the process ends, however it ends (no stale lock after a kill). A second run into the same directory, locally or
 * a second pod on the same claim path, fails at once instead of moving the first run's files aside while it still
 * writes them. The file also says who holds it, for the message.
 */
public final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the directory's lock, or fails naming who holds it. */
    public static RunLock hold(Path out) {
        Path file = out.resolve(FILE);
        try {
            Files.createDirectories(out);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it already
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                channel.close();
                throw new IllegalStateException(out + " is in use by another run (" + (holder.isEmpty() ? "holder unknown" : holder)
                        + "); give this run a directory of its own, or wait for that one to end");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(("process " + ManagementFactory.getRuntimeMXBean().getName() + " since "
                    + Instant.now()).getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the run directory " + out, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // The process ends soon; the lock goes with it.
        }
    }
}
