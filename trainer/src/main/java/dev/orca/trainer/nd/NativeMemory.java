package dev.orca.trainer.nd;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Hands the native memory a finished run freed back to the operating system. ./orca runs the trainer on jemalloc
 * configured never to return dirty pages on its own (returning them every step made fine-tuning markedly slower: a
 * step's tensors come back as fresh, zeroed pages), so each run's peak stays resident after its tensors are closed;
 * several runs in one process (local search, body selection, a benchmark) then stack their peaks. One purge between
 * runs gives that memory back without touching the allocator's behaviour inside a run. Under glibc malloc the same is
 * {@code malloc_trim}. JNA (already on DJL's classpath) makes the call; Java 17 has no foreign-function API.
 */
public final class NativeMemory {
    private NativeMemory() {}

    /** jemalloc's MALLCTL_ARENAS_ALL: the pseudo-arena index meaning every arena. */
    private static final String PURGE_ALL_ARENAS = "arena.4096.purge";

    /** Whether to purge at all: {@code -Dorca.releaseNativeMemory=false} keeps the allocator's own policy (for comparison). */
    public static boolean enabled() {
        return !"false".equals(System.getProperty("orca.releaseNativeMemory"));
    }

    /** Purges freed pages of every allocator arena; a no-op where neither jemalloc nor glibc's trim is present. */
    public static void release() {
        if (!enabled()) {
            return;
        }
        NativeLibrary process;
        try {
            process = NativeLibrary.getProcess();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return;
        }
        try {
            Function mallctl = process.getFunction("mallctl");
            mallctl.invokeInt(new Object[] {PURGE_ALL_ARENAS, Pointer.NULL, Pointer.NULL, Pointer.NULL, 0L});
            return;
        } catch (UnsatisfiedLinkError e) {
            // not jemalloc: try glibc
        }
        try {
            process.getFunction("malloc_trim").invokeInt(new Object[] {0L});
        } catch (UnsatisfiedLinkError e) {
            // neither: nothing to release by hand
        }
    }
}
