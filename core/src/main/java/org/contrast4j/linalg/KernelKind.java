package org.contrast4j.linalg;

import java.util.Locale;

/**
 * The three implementations of the dense float32 kernels, fastest last. {@link Kernels#kind()} says which one this JVM
 * uses; the system property {@value Kernels#PROPERTY} ({@code auto}, or the {@link #id()} of a kind) forces one.
 *
 * <ul>
 *   <li>{@link #SCALAR} — plain Java loops, always available.</li>
 *   <li>{@link #VECTOR} — SIMD through the Vector API ({@code jdk.incubator.vector}, JEP 508), when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector}.</li>
 *   <li>{@link #BLAS} — OpenBLAS's {@code cblas_sgemm} through the FFM API, when the shared library is found and the
 *       JVM allows native access; dot products, axpy and the element-wise work of the tiled engine and the word
 *       trainer then run on the Vector API if it is available, else on plain loops.</li>
 * </ul>
 */
public enum KernelKind {
    /** Plain Java loops. */
    SCALAR,
    /** The Vector API ({@code jdk.incubator.vector}). */
    VECTOR,
    /** OpenBLAS {@code cblas_sgemm} through the FFM API. */
    BLAS;

    /** The lower-case name, as written in {@code -Dcontrast4j.kernel=} and in logs and reports: "scalar", "vector", "blas". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
