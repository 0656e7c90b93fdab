package org.contrast4j.linalg;

import org.contrast4j.internal.Checks;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenBLAS's {@code cblas_sgemm}, called through the Foreign Function &amp; Memory API ({@code java.lang.foreign});
 * created only when the library is found at run time and the JVM allows native access.
 *
 * <h2>Finding the library</h2>
 * {@link #load()} tries, in order: the path in the system property {@value #LIBRARY_PROPERTY} if it is set (and then
 * nothing else); the Debian/Ubuntu locations {@code /usr/lib/x86_64-linux-gnu/libopenblas.so.0} (the
 * {@code update-alternatives} link installed by {@code libopenblas0-pthread} or {@code -openmp}) and
 * {@code /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0}; {@code libopenblas.so.0} and
 * {@code System.mapLibraryName("openblas")} in each directory of {@code java.library.path}; finally the same two
 * names through the dynamic linker's own search ({@code LD_LIBRARY_PATH}, ld.so.cache). A library qualifies if it
 * exports {@code cblas_sgemm}, {@code openblas_get_num_threads} and {@code openblas_set_num_threads} and computes a
 * 2×2 product correctly (a 64-bit-integer build or another BLAS is rejected with the reason).
 *
 * <h2>No copies</h2>
 * The Java arrays are passed to the native code directly: the downcall is linked with
 * {@link Linker.Option#critical(boolean) Linker.Option.critical(true)}, which lets a heap segment
 * ({@code MemorySegment.ofArray(array).asSlice(4·offset)}) stand for a pointer for the duration of the call. Measured
 * on this project's 2-core AVX-512 machine at 2048×2048×256: the same GFLOP/s as on off-heap segments (≈ 130 one
 * thread), where copying A, B and C to native memory and back loses 15–25%. The price of a critical call is that
 * the calling thread cannot reach a safepoint until it returns: a garbage collection requested by another thread
 * waits for it (measured: one 8192×8192×256 product, 0.28 s, stalled an allocating thread 0.28 s). So a product of
 * more than {@link #MAX_FLOPS_PER_CALL} floating-point operations is issued as several calls on blocks of rows (or
 * columns) of C, each about 30 ms single-threaded; that costs 2–4% at N = 8192 and bounds the stall. The native code
 * never calls back into Java.
 *
 * <p>Because a native routine is not bounds-checked, every call checks first that each matrix window lies inside
 * its array and that each leading dimension is at least the row length (BLAS would otherwise print an error and
 * return without computing).
 *
 * <h2>Numerics</h2>
 * OpenBLAS accumulates in float with its own blocking and micro-kernels, chosen by shape and thread count, so unlike
 * the Java kernels an entry of C can differ in the last bits when a product is split into blocks
 * ({@link #blockInvariant()} is false). For a fixed shape and thread count the result is reproducible.
 *
 * <h2>Wider vectors than OpenBLAS's kernel</h2>
 * OpenBLAS picks its micro-kernels for the CPU it finds, unless told otherwise ({@code OPENBLAS_CORETYPE}) or too
 * old to know the CPU; {@code openblas_get_corename()} says which it runs. When those kernels use narrower vectors
 * than the Vector API's preferred ones (Haswell's 256-bit kernels on an AVX-512 CPU), {@link #withWideProducts}
 * gives a kernel that runs the large single-threaded products — m, n and k all at least {@value #WIDE_MIN}, while
 * OpenBLAS is set to one thread, as inside {@link Kernels#singleThreadedCalls()} — on the Vector API kernel and
 * everything else on OpenBLAS; the automatic choice uses it ({@code KernelProvider}). Measured on this project's
 * 2-core AMD EPYC machine with {@code OPENBLAS_CORETYPE=Haswell}, one thread ({@code bench/GemmShapes.java}):
 * 137–161 GFLOP/s on the Vector API against 99–107 for OpenBLAS at 512×2048×256, 1024×384×384, 2048×768×384 and
 * 4096×256×256 (105–118 against 89–96 with A transposed); below 256 OpenBLAS is ahead (at 64×64×100, 82–98 GFLOP/s
 * against 5–74). A multi-threaded product stays on OpenBLAS, whose threads the Java kernel does not have.
 *
 * <h2>dot and axpy</h2>
 * Delegated to the Vector API kernel (scalar if the module is absent): measured, {@code cblas_sdot} and
 * {@code cblas_saxpy} through a critical downcall take 145 ns at length 256 against 71 ns in Java, and are no faster
 * at any length up to 65536 — the call overhead outweighs the work at embedding sizes.
 */
final class BlasKernel implements Kernel {
    /** System property naming the OpenBLAS shared library to load instead of searching the usual places. */
    static final String LIBRARY_PROPERTY = "contrast4j.openblas";

    /**
     * Products above this many floating-point operations (2·m·n·k) are split into calls of at most about this size,
     * so that no critical call holds off a safepoint for long (2³² ≈ 4.3 GFLOP: ≈ 30 ms at 130 GFLOP/s).
     */
    static final long MAX_FLOPS_PER_CALL = 1L << 32;

    /** The smallest m, n and k of a product {@link #withWideProducts} sends to the Vector API kernel. */
    static final int WIDE_MIN = 256;

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static final List<Path> DEBIAN_PATHS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"),
            Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"));

    private final String library;
    private final MethodHandle sgemm;
    private final MethodHandle getThreads;
    private final MethodHandle setThreads;
    private final Kernel rowOps;
    private final long maxFlopsPerCall;
    /** What {@code openblas_get_corename()} returned ("unknown" if the library does not export it). */
    private final String core;
    /** The kernel of the large single-threaded products ({@link #withWideProducts}), or null. */
    private final Kernel wide;

    private BlasKernel(String library, MethodHandle sgemm, MethodHandle getThreads, MethodHandle setThreads,
                       Kernel rowOps, long maxFlopsPerCall, String core, Kernel wide) {
        this.library = library;
        this.sgemm = sgemm;
        this.getThreads = getThreads;
        this.setThreads = setThreads;
        this.rowOps = rowOps;
        this.maxFlopsPerCall = maxFlopsPerCall;
        this.core = core;
        this.wide = wide;
    }

    /** The same library with another split threshold (tests use a small one to exercise the split on small sizes). */
    BlasKernel withMaxFlopsPerCall(long flops) {
        Checks.atLeast(flops, 1, "flops per call");
        return new BlasKernel(library, sgemm, getThreads, setThreads, rowOps, flops, core, wide);
    }

    /**
     * The same library, with the large single-threaded products on {@code vector} (see the class comment), or null
     * when OpenBLAS's kernel is not narrower than {@code vectorBits} (or its width is not known).
     *
     * @param vector     the Vector API kernel
     * @param vectorBits its preferred vector size in bits
     */
    BlasKernel withWideProducts(Kernel vector, int vectorBits) {
        Checks.notNull(vector, "vector");
        return coreBits(core) < vectorBits
                ? new BlasKernel(library, sgemm, getThreads, setThreads, rowOps, maxFlopsPerCall, core, vector)
                : null;
    }

    /** The core OpenBLAS runs its kernels for, as {@code openblas_get_corename()} names it. */
    String core() {
        return core;
    }

    /**
     * The vector size in bits of OpenBLAS's x86-64 kernels for a core name of {@code openblas_get_corename()}
     * (case ignored), or {@link Integer#MAX_VALUE} for a name not known here (then nothing is delegated).
     */
    static int coreBits(String core) {
        return switch (core.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "skylakex", "cooperlake", "sapphirerapids" -> 512;
            case "haswell", "zen", "sandybridge", "bulldozer", "piledriver", "steamroller", "excavator" -> 256;
            case "nehalem", "core2", "penryn", "dunnington", "atom", "prescott", "barcelona", "opteron",
                 "opteron_sse3", "bobcat", "nano" -> 128;
            default -> Integer.MAX_VALUE;
        };
    }

    /** The outcome of {@link #load()}: a kernel, or why there is none. */
    record Loading(BlasKernel kernel, String failure) {
    }

    /**
     * Finds and links OpenBLAS (see the class comment for where it looks).
     *
     * @param rowOps the kernel that serves {@link #dot} and {@link #axpy}
     */
    static Loading load(Kernel rowOps) {
        Module module = BlasKernel.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String who = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            return new Loading(null, "native access is not enabled (start the JVM with --enable-native-access="
                    + who + ")");
        }
        String forced = System.getProperty(LIBRARY_PROPERTY);
        if (forced != null) {
            Path path = Path.of(forced.trim());
            try {
                return new Loading(link(SymbolLookup.libraryLookup(path, Arena.global()), path.toString(), rowOps),
                        null);
            } catch (RuntimeException | LinkageError e) {
                return new Loading(null, "-D" + LIBRARY_PROPERTY + "=" + forced + " cannot be used: " + e.getMessage());
            }
        }
        List<String> tried = new ArrayList<>();
        for (Path path : candidatePaths()) {
            if (!Files.exists(path)) {
                continue;
            }
            try {
                return new Loading(link(SymbolLookup.libraryLookup(path, Arena.global()), path.toString(), rowOps),
                        null);
            } catch (RuntimeException | LinkageError e) {
                tried.add(path + ": " + e.getMessage());
            }
        }
        for (String name : libraryNames()) {
            try {
                return new Loading(link(SymbolLookup.libraryLookup(name, Arena.global()), name, rowOps), null);
            } catch (IllegalArgumentException e) {
                // not found by the dynamic linker: nothing to report beyond "not found"
            } catch (RuntimeException | LinkageError e) {
                tried.add(name + ": " + e.getMessage());
            }
        }
        String why = tried.isEmpty()
                ? "libopenblas.so.0 was not found (looked at " + DEBIAN_PATHS.stream().map(Path::toString)
                        .collect(java.util.stream.Collectors.joining(", ")) + ", in java.library.path and through the "
                        + "dynamic linker; Debian/Ubuntu: apt-get install libopenblas0-pthread; elsewhere -D"
                        + LIBRARY_PROPERTY + "=/path/to/libopenblas.so)"
                : "no usable OpenBLAS: " + String.join("; ", tried);
        return new Loading(null, why);
    }

    private static List<String> libraryNames() {
        return List.of("libopenblas.so.0", System.mapLibraryName("openblas"));
    }

    private static List<Path> candidatePaths() {
        Set<Path> paths = new LinkedHashSet<>(DEBIAN_PATHS);
        String libraryPath = System.getProperty("java.library.path", "");
        for (String dir : libraryPath.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                for (String name : libraryNames()) {
                    paths.add(Path.of(dir, name));
                }
            }
        }
        return new ArrayList<>(paths);
    }

    private static BlasKernel link(SymbolLookup lookup, String library, Kernel rowOps) {
        Linker linker = Linker.nativeLinker();
        MethodHandle sgemm = linker.downcallHandle(symbol(lookup, "cblas_sgemm", library),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                Linker.Option.critical(true));
        MethodHandle get = linker.downcallHandle(symbol(lookup, "openblas_get_num_threads", library),
                FunctionDescriptor.of(JAVA_INT));
        MethodHandle set = linker.downcallHandle(symbol(lookup, "openblas_set_num_threads", library),
                FunctionDescriptor.ofVoid(JAVA_INT));
        BlasKernel kernel = new BlasKernel(library, sgemm, get, set, rowOps, MAX_FLOPS_PER_CALL,
                coreName(linker, lookup), null);
        // [[1,2],[3,4]]·[[5,6],[7,8]]ᵀ = [[17,23],[39,53]] (by hand), written at an offset into a padded C
        float[] c = {-1, Float.NaN, Float.NaN, Float.NaN, Float.NaN, -1};
        kernel.gemm(false, true, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2,
                0f, c, 1, 2);
        if (!Arrays.equals(c, new float[] {-1, 17, 23, 39, 53, -1})) {
            throw new IllegalStateException("cblas_sgemm of " + library + " computed a wrong 2×2 product "
                    + Arrays.toString(c) + " (a 64-bit-integer build?)");
        }
        return kernel;
    }

    /** {@code openblas_get_corename()}, or "unknown" if the library does not export it or returns nothing. */
    private static String coreName(Linker linker, SymbolLookup lookup) {
        MemorySegment symbol = lookup.find("openblas_get_corename").orElse(null);
        if (symbol == null) {
            return "unknown";
        }
        try {
            MemorySegment name = (MemorySegment) linker.downcallHandle(symbol, FunctionDescriptor.of(ADDRESS))
                    .invokeExact();
            return name.equals(MemorySegment.NULL) ? "unknown" : name.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "unknown";
        }
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name, String library) {
        return lookup.find(name).orElseThrow(() ->
                new IllegalStateException(library + " does not export " + name + " (not OpenBLAS?)"));
    }

    @Override
    public KernelKind kind() {
        return KernelKind.BLAS;
    }

    /** Where the library was loaded from (a path, or the name the dynamic linker resolved). */
    String library() {
        return library;
    }

    @Override
    public boolean blockInvariant() {
        return false;
    }

    /** {@code openblas_get_num_threads()}: the threads one sgemm call may use. */
    @Override
    public int threads() {
        try {
            return (int) getThreads.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_get_num_threads failed", t);
        }
    }

    /** {@code openblas_set_num_threads(threads)}: process-wide, for every later call from any thread. */
    @Override
    public void setThreads(int threads) {
        Checks.atLeast(threads, 1, "threads");
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm sizes must be >= 0, were m=" + m + " n=" + n + " k=" + k);
        }
        if (m == 0 || n == 0) {
            return;
        }
        checkWindow("C", c, cOff, m, n, ldc);
        if (alpha == 0f || k == 0) {
            ScalarKernel.scale(m, n, beta, c, cOff, ldc);   // as in BLAS: A and B are not read
            return;
        }
        checkWindow("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        checkWindow("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        if (wide != null && m >= WIDE_MIN && n >= WIDE_MIN && k >= WIDE_MIN && threads() == 1) {
            wide.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        long flops = 2L * m * n * k;
        if (flops <= maxFlopsPerCall) {
            call(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (m >= n) {
            int rows = blockSize(m, 2L * n * k);
            for (int i = 0; i < m; i += rows) {
                int mi = Math.min(rows, m - i);
                call(transA, transB, mi, n, k, alpha, a, transA ? aOff + i : aOff + i * lda, lda, b, bOff, ldb,
                        beta, c, cOff + i * ldc, ldc);
            }
        } else {
            int cols = blockSize(n, 2L * m * k);
            for (int j = 0; j < n; j += cols) {
                int nj = Math.min(cols, n - j);
                call(transA, transB, m, nj, k, alpha, a, aOff, lda, b, transB ? bOff + j * ldb : bOff + j, ldb,
                        beta, c, cOff + j, ldc);
            }
        }
    }

    /** Rows (or columns) per call so that a call stays within the threshold; a multiple of 64 when ≥ 64. */
    private int blockSize(int extent, long flopsPerLine) {
        long lines = Math.max(1, maxFlopsPerCall / flopsPerLine);
        if (lines >= 64) {
            lines -= lines % 64;
        }
        return (int) Math.min(extent, lines);
    }

    private void call(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    MemorySegment.ofArray(a).asSlice(4L * aOff), lda, MemorySegment.ofArray(b).asSlice(4L * bOff), ldb,
                    beta, MemorySegment.ofArray(c).asSlice(4L * cOff), ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }

    /** A rows×cols window at off with leading dimension ld must lie inside the array, and ld ≥ max(1, cols). */
    private static void checkWindow(String name, float[] x, int off, int rows, int cols, int ld) {
        Checks.notNull(x, name);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("leading dimension of " + name + " must be >= max(1, " + cols
                    + "), was " + ld);
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + ": offset must be >= 0, was " + off);
        }
        long end = (long) off + (long) (rows - 1) * ld + cols;
        if (rows > 0 && cols > 0 && end > x.length) {
            throw new IllegalArgumentException(name + ": " + rows + "×" + cols + " at offset " + off
                    + " with leading dimension " + ld + " needs " + end + " values, the array has " + x.length);
        }
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int len) {
        return rowOps.dot(x, xOff, y, yOff, len);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        rowOps.axpy(alpha, x, xOff, y, yOff, len);
    }
}
