/**
 * Dense float32 matrices and the kernels every loss and metric is built on.
 *
 * <p>{@link org.contrast4j.linalg.Matrix} is the one container: row-major, wrapping a {@code float[]}.
 * {@link org.contrast4j.linalg.Kernels} is the facade for products and row operations
 * ({@code gemm} C = alpha·op(A)·op(B) + beta·C, {@code multiplyTransposed} A·Bᵀ — all pairwise dot products of two
 * sets of embeddings — {@code rowNorms}, {@code rowDots}, {@code dot}, {@code axpy}).
 *
 * <h2>Kernel selection</h2>
 * One provider (package-private, as Lucene's {@code VectorizationProvider}) chooses once per JVM, on first use, the
 * kernel behind the facade — {@link org.contrast4j.linalg.Kernels#kind()} says which
 * {@link org.contrast4j.linalg.KernelKind} — and, with it, the implementation of the element-wise work of the tiled
 * InfoNCE engine and of the word trainer, which follow that one choice. The first available of:
 * <ol>
 *   <li>{@code blas} — OpenBLAS's {@code cblas_sgemm} through the FFM API ({@code java.lang.foreign}), when
 *       {@code libopenblas.so.0} is found at run time (Debian/Ubuntu package {@code libopenblas0-pthread}; the Debian
 *       paths, then {@code java.library.path}, then the dynamic linker's search; {@code -Dcontrast4j.openblas=PATH}
 *       names the file instead) and the JVM allows native access ({@code --enable-native-access=ALL-UNNAMED}, or
 *       {@code =org.contrast4j.core} on the module path; the launcher and the tests pass it). The Java arrays are
 *       handed to the native code without copies (a critical downcall with heap access); dot and axpy stay in Java,
 *       where they are faster at embedding sizes, on the Vector API when it can run.</li>
 *   <li>{@code vector} — SIMD through the Vector API ({@code jdk.incubator.vector}), used when the JVM runs with
 *       {@code --add-modules jdk.incubator.vector} (on the class path and on the module path alike: core
 *       {@code requires static} the module, so it is there only when added). Its gemm packs op(A) and op(B) into
 *       cache-sized panels and accumulates a 6-row × two-vector register tile of C with fused multiply-adds (the
 *       Goto/BLIS scheme); the four transpose combinations share that inner loop.</li>
 *   <li>{@code scalar} — plain loops, always available.</li>
 * </ol>
 * The provider logs its choice once ({@link java.lang.System.Logger}, logger {@code org.contrast4j.linalg}): one INFO
 * line when a faster kernel was not taken, naming why, such as
 * <pre>
 * contrast4j: kernel vector (auto); OpenBLAS is not used: native access is not enabled (start the JVM with --enable-native-access=ALL-UNNAMED)
 * contrast4j: kernel scalar (auto); OpenBLAS is not used: …; the Vector API is not used: module jdk.incubator.vector is not loaded (start the JVM with --add-modules jdk.incubator.vector)
 * </pre>
 * and the same line at DEBUG when nothing was given up ({@code contrast4j: kernel blas (auto), OpenBLAS
 * /usr/lib/x86_64-linux-gnu/libopenblas.so.0; dot products, axpy and element-wise work on the Vector API}). The system
 * property {@code contrast4j.kernel} = {@code auto} (default) | {@code blas} | {@code vector} | {@code scalar} forces a
 * choice. A bad setting is an exception on every call of the kernels, with the same message each time (never a failed
 * class initialisation): an unknown value is an {@link java.lang.IllegalArgumentException} listing the valid ones; a
 * forced kernel that cannot run ({@code blas} without the library — the message names where it looked — or without
 * native access, {@code vector} without the module) an {@link java.lang.IllegalStateException} with the reason. Measured A·Bᵀ at N = 2048,
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
 * Products accumulate in float, as BLAS sgemm does; dot products return a double. There is one dot product per kernel,
 * used by the losses, the metrics and the word trainer alike; the Vector API one accumulates in vector registers and
 * adds the lanes in lane order in double, so it gives the same bits before and after the JIT compiles it (a
 * {@code reduceLanes} would not). Every kernel is tested against the
 * same double-precision reference (relative error ≤ 1e-4 of Σ|a·b|), and a test counts the kernels so that a new one
 * cannot go untested. Within one Java kernel a gemm entry does not depend on how the product is split: computing C in
 * blocks of rows or columns gives the same bits as one call (the kernels differ from each other in the last bits).
 * OpenBLAS does not promise that — it picks blocking and micro-kernels by shape, and measured, a 150×90×300 product
 * computed one row at a time differs from the whole in most entries by up to 1.5e-5 — but it is deterministic for
 * fixed shapes and thread count, which is what a tiled caller needs for reproducible results.
 */
package org.contrast4j.linalg;
