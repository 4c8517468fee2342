package dev.orca.trainer.data;

/**
 * What every reader checks before it trusts a file: that what its header claims fits the memory this JVM has (a
 * header is a claim, not a fact: an allocation sized by it alone is how a 27-byte file becomes an OutOfMemoryError),
 * and that the values it read are finite (a NaN in the data poisons every loss computed from it).
 */
public final class DataLimits {
    private DataLimits() {}

    /** Refuses, naming the file, when reading needs more memory than the heap has room for. */
    public static void fits(String source, long bytes, String what) {
        long free = freeHeap();
        if (bytes < 0 || bytes > (long) (free * 0.8) || bytes > Integer.MAX_VALUE - 64L) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s: %s needs %s of memory, this JVM has %d MiB free (a corrupt header? else give the trainer more:"
                            + " resources.memory, or ORCA_JAVA_OPTS=-Xmx...)", source, what,
                    bytes < 0 ? "an impossible amount" : (bytes >> 20) + " MiB", free >> 20));
        }
    }

    /** The values, after checking each is finite. */
    public static float[] finite(String source, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(source + ": value " + values[i] + " at index " + i + " is not finite");
            }
        }
        return values;
    }

    /** A bounded copy of a stream: at most {@code limit} bytes, else a refusal naming the entry (a zip bomb stops here). */
    public static byte[] readAtMost(java.io.InputStream in, long limit, String source) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > limit) {
                throw new IllegalArgumentException(source + ": decompresses to more than " + (limit >> 20)
                        + " MiB, more than this JVM can hold (a zip bomb? else give the trainer more memory)");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The most bytes a decompressed entry may have: what the heap could hold of it and of its float copy. */
    public static long decompressedLimit() {
        return Math.min(Integer.MAX_VALUE - 64L, freeHeap() / 3);
    }

    /** What the heap can still grow into: its maximum less what is in use. */
    private static long freeHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
}
