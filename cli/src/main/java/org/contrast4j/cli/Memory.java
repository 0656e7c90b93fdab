package org.contrast4j.cli;

import java.util.Locale;

/**
 * What the command line says when the heap runs out. A command that can tell how much memory its job takes calls
 * {@link #expect} before the work; if the JVM then throws {@link OutOfMemoryError}, {@link Main} prints one line with
 * that estimate, the JVM's limit and how to raise it ({@code CONTRAST4J_JAVA_OPTS=-Xmx…}), never a stack trace.
 * A job whose estimate exceeds the limit is the user's to size (exit 2); running out without such an estimate is a
 * failure of this run (exit 1), with the same advice.
 */
final class Memory {
    private static final ThreadLocal<Expected> EXPECTED = new ThreadLocal<>();

    private record Expected(long bytes, String what) {
    }

    private Memory() {
    }

    /** Forgets the previous run's estimate. */
    static void begin() {
        EXPECTED.remove();
    }

    /**
     * Records that the job about to run needs about {@code bytes} of heap for {@code what} (e.g. "the 30000×30000
     * similarity matrices").
     */
    static void expect(long bytes, String what) {
        EXPECTED.set(new Expected(bytes, what));
    }

    /** The heap limit of this JVM in bytes ({@code -Xmx}). */
    static long limit() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The answer to {@code e}: the estimate if there is one, the limit, and the flag that raises it. */
    static Exhausted exhausted(OutOfMemoryError e) {
        Expected x = EXPECTED.get();
        long limit = limit();
        if (x != null) {
            boolean tooLarge = x.bytes > limit * 0.8;
            long suggest = Math.max(x.bytes * 3 / 2, limit * 2);
            return new Exhausted("out of memory: " + x.what + " needs about " + size(x.bytes) + " of heap and this JVM"
                    + " may use at most " + size(limit) + "; give it more, e.g. CONTRAST4J_JAVA_OPTS=-Xmx"
                    + gigabytes(suggest) + " ./contrast4j …, or make the job smaller (" + e.getMessage() + ")",
                    tooLarge, e);
        }
        return new Exhausted("out of memory: this JVM may use at most " + size(limit) + " of heap; give it more, e.g."
                + " CONTRAST4J_JAVA_OPTS=-Xmx" + gigabytes(2 * limit) + " ./contrast4j …, or make the job smaller ("
                + e.getMessage() + ")", false, e);
    }

    /** A size for people: MiB below a GiB, else GiB with one decimal. */
    static String size(long bytes) {
        return bytes < (1L << 30) ? String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }

    /** Whole gibibytes, rounded up, as -Xmx takes them ("4g"). */
    static String gigabytes(long bytes) {
        return Math.max(1, (bytes + (1L << 30) - 1) >> 30) + "g";
    }

    /** Running out of memory, with its answer. */
    static final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        Exhausted(String message, boolean tooLarge, OutOfMemoryError cause) {
            super(message, cause);
            this.tooLarge = tooLarge;
        }

        /** True when the estimate says the job does not fit the limit (the user's to size: exit 2). */
        boolean tooLarge() {
            return tooLarge;
        }
    }
}
