package org.contrast4j.internal;

import java.util.Objects;
import org.contrast4j.linalg.Matrix;

/**
 * The one argument-check helper of every contrast4j module, so that every message has the same shape: a missing
 * argument is a {@link NullPointerException} naming it ("anchors must not be null"); a bad value is an
 * {@link IllegalArgumentException} naming it and its value ("temperature must be > 0 and finite, was -0.1").
 *
 * <p>Not API: the package is exported only to contrast4j's own modules.
 */
public final class Checks {
    private Checks() {
    }

    /** Returns {@code value}, or throws {@link NullPointerException} "{@code name} must not be null". */
    public static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /**
     * Throws {@link IllegalArgumentException} with {@code String.format(template, args)} unless {@code ok}. The message
     * is built only on failure.
     */
    public static void argument(boolean ok, String template, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, template, args));
        }
    }

    /** Throws {@link IllegalStateException} with {@code String.format(template, args)} unless {@code ok}. */
    public static void state(boolean ok, String template, Object... args) {
        if (!ok) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, template, args));
        }
    }

    /** {@code value} > 0 and finite: "{@code name} must be > 0 and finite, was {@code value}". */
    public static double positive(double value, String name) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, was " + value);
        }
        return value;
    }

    /** {@code value} ≥ 0 and finite. */
    public static double nonNegative(double value, String name) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite, was " + value);
        }
        return value;
    }

    /** {@code value} finite (not NaN, not ±∞). */
    public static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, was " + value);
        }
        return value;
    }

    /** {@code value} ≥ {@code min}: "{@code name} must be >= min, was value". */
    public static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** {@code value} ≥ {@code min}, for long values. */
    public static long atLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    /** {@code 0 ≤ index < size}: "{@code name} index is outside [0, size)". */
    public static int index(int index, int size, String name) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(name + " " + index + " is outside [0, " + size + ")");
        }
        return index;
    }

    /**
     * {@code x} present, with at least {@code minRows} rows and one column, and only finite values.
     *
     * @param why what the rows are needed for, quoted when there are too few (e.g. "a pair"), or null
     */
    public static Matrix rows(Matrix x, String name, int minRows, String why) {
        notNull(x, name);
        if (x.rows() < minRows) {
            throw new IllegalArgumentException(name + " needs at least " + minRows + (minRows == 1 ? " row" : " rows")
                    + (why == null ? "" : " (" + why + ")") + ", was " + x.shape());
        }
        if (x.cols() < 1) {
            throw new IllegalArgumentException(name + " has dimension 0: " + name + " is " + x.shape());
        }
        return finite(x, name);
    }

    /** Throws at the first NaN or infinite entry of {@code x}, naming its row, column and value. */
    public static Matrix finite(Matrix x, String name) {
        notNull(x, name);
        float[] a = x.data();
        int d = x.cols();
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException(name + "[" + i / d + ", " + i % d + "] is " + a[i]
                        + ": inputs must be finite");
            }
        }
        return x;
    }

    /** {@code x} and {@code y} have the same shape: the message names both shapes. */
    public static void sameShape(Matrix x, String xName, Matrix y, String yName) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException(xName + " and " + yName + " must have the same shape: " + xName
                    + " is " + x.shape() + ", " + yName + " is " + y.shape());
        }
    }

    /**
     * {@code a · b} as an int array length, or an {@link IllegalArgumentException} naming what would be too large and
     * how many bytes of {@code bytesPerElement} it would need, instead of an int overflow.
     */
    public static int product(long a, long b, String what, int bytesPerElement) {
        long n = a * b;
        if (a < 0 || b < 0 || (a != 0 && n / a != b) || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " of " + a + " × " + b + " elements exceeds a Java array ("
                    + "2^31 − 1 elements; would need " + humanBytes((double) a * b * bytesPerElement) + ")");
        }
        return (int) n;
    }

    /** "1.5 GiB", "300 MiB", … for messages about memory. */
    public static String humanBytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return (bytes >= 100 || u == 0 ? String.format(java.util.Locale.ROOT, "%.0f", bytes)
                : String.format(java.util.Locale.ROOT, "%.1f", bytes)) + " " + units[u];
    }
}
