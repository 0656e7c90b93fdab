/**
 * Dense float32 matrices and the kernels every loss and metric is built on.
 *
 * <p>{@link org.contrast4j.linalg.Matrix} is the one container: row-major, wrapping a {@code float[]}.
 * {@link org.contrast4j.linalg.Kernels} is the facade for products and row operations
 * ({@code gemm} C = alpha·op(A)·op(B) + beta·C, {@code multiplyTransposed} A·Bᵀ — all pairwise dot products of two
 * sets of embeddings — {@code rowNorms}, {@code rowDots}, {@code dot}, {@code axpy}).
 *
 * <h2>Kernel selection</h2>
 * The facade picks one implementation when the class is first used and keeps it for the life of the JVM:
 * <ul>
 *   <li>{@code vector} — SIMD through the Vector API ({@code jdk.incubator.vector}), used when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector}. Its gemm packs op(A) and op(B) into cache-sized panels and
 *       accumulates a 6-row × two-vector register tile of C with fused multiply-adds (the Goto/BLIS scheme); the
 *       four transpose combinations share that inner loop.</li>
 *   <li>{@code scalar} — plain loops, always available. If the Vector API is absent the library logs one INFO line
 *       ({@link java.lang.System.Logger}, logger {@code org.contrast4j.linalg}) and uses it.</li>
 * </ul>
 * The system property {@code contrast4j.kernel} = {@code auto} (default) | {@code vector} | {@code scalar} forces a
 * choice; an unknown value, or {@code vector} without the module, fails at first use with the reason. The name in
 * use is {@link org.contrast4j.linalg.Kernels#name()}.
 *
 * <p>Products accumulate in float, as BLAS sgemm does; dot products return a double. Within one kernel a gemm
 * entry does not depend on how the product is split: computing C in blocks of rows or columns gives the same bits
 * as one call (the two kernels differ from each other in the last bits). Every kernel is tested against
 * the same double-precision reference (relative error ≤ 1e-4 of Σ|a·b|), and a test counts the kernels so that a new
 * one cannot go untested.
 */
package org.contrast4j.linalg;
