package org.contrast4j.loss;

import org.contrast4j.internal.Checks;

/**
 * The refusal of a dense computation that cannot run, made before anything is allocated: the arrays it needs would
 * exceed a Java array (2^31 − 1 entries) or the heap's maximum ({@link Runtime#maxMemory()}). The message names the
 * size in entries and bytes and how to proceed.
 */
final class DenseSize {
    private DenseSize() {
    }

    /** Entries a Java array can hold (a few below Integer.MAX_VALUE, as the JDK's own limit). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** The advice for a loss that has only a dense form. */
    static String noTiledEngine(String loss) {
        return loss + " has no tiled engine: split the batch, or give the JVM more heap (-Xmx; CONTRAST4J_JAVA_OPTS "
                + "for the command line)";
    }

    /**
     * Throws {@link IllegalArgumentException} if {@code rows}×{@code cols} arrays of {@code bytesPerEntry} bytes per
     * entry in all cannot be allocated.
     *
     * @param what   the computation, e.g. "NT-Xent (dense engine) on 2N = 60000 rows"
     * @param advice how to proceed, e.g. "use Engine.TILED or AUTO, which needs O(N·D) memory"
     */
    static void require(String what, long rows, long cols, int bytesPerEntry, String advice) {
        long entries = rows * cols;  // rows, cols < 2^31: no long overflow
        double bytes = (double) entries * bytesPerEntry;
        long heap = Runtime.getRuntime().maxMemory();
        String why;
        if (entries > MAX_ARRAY) {
            why = "more than a Java array holds (2^31 − 1 entries)";
        } else if (heap != Long.MAX_VALUE && bytes > heap) {
            why = "more than the maximum heap (" + Checks.humanBytes(heap) + ")";
        } else {
            return;
        }
        throw new IllegalArgumentException(what + " needs " + rows + "×" + cols + " arrays of " + bytesPerEntry
                + " bytes per entry in all, " + Checks.humanBytes(bytes) + ": " + why + "; " + advice);
    }
}
