/**
 * Dense float32 matrices and the kernels every loss and metric is built on.
 *
 * <p>{@link org.contrast4j.linalg.Matrix} is the one container: row-major, wrapping a {@code float[]}.
 * {@link org.contrast4j.linalg.Kernels} is the facade for products and row operations
 * ({@code gemm} C = alpha·op(A)·op(B) + beta·C, {@code multiplyTransposed} A·Bᵀ — all pairwise dot products of two
 * sets of embeddings — {@code rowNorms}, {@code rowDots}, {@code dot}, {@code axpy}).
 *
 * <h2>Kernel selection</h2>
 * The facade picks one implementation when the class is first used and keeps it for the life of the JVM, the first
 * available of:
 * <ol>
 *   <li>{@code blas} — OpenBLAS's {@code cblas_sgemm} through the FFM API ({@code java.lang.foreign}), when
 *       {@code libopenblas.so.0} is found at run time (Debian/Ubuntu package {@code libopenblas0-pthread}; the Debian
 *       paths, then {@code java.library.path}, then the dynamic linker's search; {@code -Dcontrast4j.openblas=PATH}
 *       names the file instead) and the JVM allows native access ({@code --enable-native-access=ALL-UNNAMED}; the
 *       launcher and the tests pass it). The Java arrays are handed to the native code without copies (a critical
 *       downcall with heap access); dot and axpy stay in Java, where they are faster at embedding sizes.</li>
 *   <li>{@code vector} — SIMD through the Vector API ({@code jdk.incubator.vector}), used when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector}. Its gemm packs op(A) and op(B) into cache-sized panels and
 *       accumulates a 6-row × two-vector register tile of C with fused multiply-adds (the Goto/BLIS scheme); the
 *       four transpose combinations share that inner loop.</li>
 *   <li>{@code scalar} — plain loops, always available.</li>
 * </ol>
 * Each fallback logs one INFO line with the reason ({@link java.lang.System.Logger}, logger
 * {@code org.contrast4j.linalg}). The system property {@code contrast4j.kernel} = {@code auto} (default) |
 * {@code blas} | {@code vector} | {@code scalar} forces a choice; an unknown value, or a kernel that is not available
 * ({@code blas} without the library or without native access, {@code vector} without the module), fails at first use
 * with the reason. The name in use is {@link org.contrast4j.linalg.Kernels#name()}. Measured A·Bᵀ at N = 2048,
 * D = 256, one thread, on this project's 2-core AVX-512 machine: blas ≈ 130 GFLOP/s, vector ≈ 90, scalar ≈ 3.6.
 *
 * <h2>Threads</h2>
 * The Java kernels compute a product in the calling thread. OpenBLAS runs each call on its own threads, by default
 * one per core ({@code OPENBLAS_NUM_THREADS} overrides); {@link org.contrast4j.linalg.Kernels#threadsPerCall()}
 * reads and {@link org.contrast4j.linalg.Kernels#setThreadsPerCall(int)} sets that count
 * ({@code openblas_get_num_threads} / {@code openblas_set_num_threads}, process-wide). Both cannot own the cores at
 * once: code that runs its own pool of threads over the kernels (the tiled InfoNCE engine) holds a
 * {@link org.contrast4j.linalg.Kernels#singleThreadedCalls()} scope, which makes every product single-threaded until
 * the last open scope closes and then restores the previous count. A caller that makes one large call from one
 * thread (the dense losses) gets OpenBLAS's threads. Measured on the 2-core machine (the tiled loss's four products
 * for 4096 of N = 8192 rows, D = 256, {@code SgemmCeiling --tiles 256x1024,1024x512} in the bench module): two
 * Java threads × one OpenBLAS thread per call 252 / 277 GFLOP/s, one Java thread × two OpenBLAS threads 233 / 242,
 * two × two (oversubscribed) 168 / 188 — and the loss's element-wise work between the products only runs in
 * parallel in the first arrangement.
 *
 * <h2>Numerics</h2>
 * Products accumulate in float, as BLAS sgemm does; dot products return a double. Every kernel is tested against the
 * same double-precision reference (relative error ≤ 1e-4 of Σ|a·b|), and a test counts the kernels so that a new one
 * cannot go untested. Within one Java kernel a gemm entry does not depend on how the product is split: computing C in
 * blocks of rows or columns gives the same bits as one call (the kernels differ from each other in the last bits).
 * OpenBLAS does not promise that — it picks blocking and micro-kernels by shape, and measured, a 150×90×300 product
 * computed one row at a time differs from the whole in most entries by up to 1.5e-5 — but it is deterministic for
 * fixed shapes and thread count, which is what a tiled caller needs for reproducible results.
 */
package org.contrast4j.linalg;
