package org.contrast4j.linalg;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.contrast4j.internal.KernelChoice;

/**
 * The one place that chooses the kernels, as Lucene's {@code VectorizationProvider}: the GEMM kernel behind
 * {@link Kernels} and the implementation of the row operations and element-wise work that the tiled engine's epilogue
 * and the word trainer run (obtained through {@link KernelChoice}, the non-API hook for other packages and modules).
 * The choice is made once per JVM, on first use, from
 * <ul>
 *   <li>the system property {@value Kernels#PROPERTY} ({@code auto}, {@code scalar}, {@code vector} or
 *       {@code blas}; case and surrounding spaces ignored; default {@code auto});</li>
 *   <li>whether the Vector API can run: the module {@code jdk.incubator.vector} is in the module layer of this class
 *       (on the class path only with {@code --add-modules jdk.incubator.vector}; on the module path core
 *       {@code requires static} it, so it must also be added), this module reads it, and the CPU's preferred vector
 *       holds at least 128 bits;</li>
 *   <li>whether OpenBLAS can be linked through the FFM API ({@link BlasKernel#load}).</li>
 * </ul>
 * {@code auto} takes the fastest that can run (blas, then vector, then scalar); with blas, when OpenBLAS runs kernels
 * for narrower vectors than the Vector API's, the large single-threaded products go to the Vector API kernel
 * ({@link BlasKernel}, "Wider vectors than OpenBLAS's kernel"). The choice is logged once
 * ({@link System.Logger} {@code org.contrast4j.linalg}): at INFO when a faster kernel was not taken, naming why, at
 * DEBUG otherwise. A bad setting — an unknown value, or a forced kernel that cannot run — is not a failure of class
 * initialisation: it is remembered, and every call of the kernels throws the same clear exception
 * ({@link IllegalArgumentException} for an unknown value, {@link IllegalStateException} for a kernel that cannot run).
 */
final class KernelProvider {
    private static final System.Logger LOG = System.getLogger("org.contrast4j.linalg");
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    static {
        KernelChoice.register(KernelProvider::elementwise);
    }

    private KernelProvider() {
    }

    /**
     * The outcome of the choice: a kernel with its element-wise companion and the log line, or why there is none.
     *
     * @param kernel      the GEMM kernel, or {@code null} on failure
     * @param elementwise SCALAR or VECTOR: the implementation of dot, axpy and the element-wise work
     * @param level       the level of {@code message} (INFO when a faster kernel was not taken)
     * @param message     the log line, or on failure the exception's message
     * @param badValue    on failure: whether the property's value is unknown (IllegalArgumentException) rather than
     *                    naming a kernel that cannot run (IllegalStateException)
     * @param cause       on failure: an unexpected error during the choice, or {@code null}
     */
    record Choice(Kernel kernel, KernelKind elementwise, Level level, String message, boolean badValue,
                  Throwable cause) {

        static Choice of(Kernel kernel, KernelKind elementwise, Level level, String message) {
            return new Choice(kernel, elementwise, level, message, false, null);
        }

        static Choice failure(boolean badValue, String message, Throwable cause) {
            return new Choice(null, null, null, message, badValue, cause);
        }

        /** The kernel, or the exception for the failed choice (a new one each call, always the same message). */
        Kernel kernelOrThrow() {
            if (kernel == null) {
                throw badValue ? new IllegalArgumentException(message, cause) : new IllegalStateException(message, cause);
            }
            return kernel;
        }
    }

    /** The choice of this JVM, made and logged when this holder is first used; initialising it never throws. */
    private static final class Active {
        static final Choice CHOICE = logged(choose(System.getProperty(Kernels.PROPERTY)));

        private Active() {
        }

        private static Choice logged(Choice choice) {
            if (choice.kernel() != null) {
                LOG.log(choice.level(), choice.message());
            }
            return choice;
        }
    }

    /** The GEMM kernel in use; throws the failure of a bad setting (on every call). */
    static Kernel kernel() {
        return Active.CHOICE.kernelOrThrow();
    }

    /** The kind of the GEMM kernel in use; throws like {@link #kernel()}. */
    static KernelKind kind() {
        return kernel().kind();
    }

    /** SCALAR or VECTOR: the row operations and element-wise work in use; throws like {@link #kernel()}. */
    static KernelKind elementwise() {
        kernel();
        return Active.CHOICE.elementwise();
    }

    /** The choice this JVM made (tests read its log line). */
    static Choice active() {
        return Active.CHOICE;
    }

    /**
     * Chooses for a value of the property ({@code null} = auto). Never throws: a bad value or a kernel that cannot run
     * is returned as a failed choice; so is an unexpected error, with it as the cause.
     */
    static Choice choose(String requested) {
        try {
            return decide(requested);
        } catch (RuntimeException | LinkageError e) {
            return Choice.failure(false, "contrast4j: the kernel could not be chosen (-D" + Kernels.PROPERTY + "="
                    + requested + "): " + e, e);
        }
    }

    private static Choice decide(String requested) {
        String value = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        String forced = "-D" + Kernels.PROPERTY + "=" + value;
        switch (value) {
            case "scalar":
                return Choice.of(new ScalarKernel(), KernelKind.SCALAR, Level.DEBUG,
                        "contrast4j: kernel scalar (" + forced + ")");
            case "vector":
                if (Vector.PROBLEM != null) {
                    return Choice.failure(false, forced + ", but the Vector API is not available: " + Vector.PROBLEM,
                            null);
                }
                return Choice.of(Vector.KERNEL, KernelKind.VECTOR, Level.DEBUG,
                        "contrast4j: kernel vector (" + forced + ")");
            case "blas":
                if (Blas.LOADING.kernel() == null) {
                    return Choice.failure(false, forced + ", but OpenBLAS is not available: " + Blas.LOADING.failure(),
                            null);
                }
                return blas("(" + forced + ")");
            case "auto":
                if (Blas.LOADING.kernel() != null) {
                    BlasKernel wide = Vector.PROBLEM == null
                            ? Blas.LOADING.kernel().withWideProducts(Vector.KERNEL, VectorKernel.preferredBits())
                            : null;
                    if (wide != null) {
                        return Choice.of(wide, KernelKind.VECTOR, Level.DEBUG, "contrast4j: kernel blas (auto), "
                                + "OpenBLAS " + wide.library() + ", whose " + wide.core() + " kernels use narrower"
                                + " vectors than the Vector API's " + VectorKernel.preferredBits() + " bits; products"
                                + " of at least " + BlasKernel.WIDE_MIN + "³ in single-threaded calls, dot products,"
                                + " axpy and element-wise work on the Vector API");
                    }
                    return blas("(auto)");
                }
                String noBlas = "OpenBLAS is not used: " + Blas.LOADING.failure();
                if (Vector.PROBLEM == null) {
                    return Choice.of(Vector.KERNEL, KernelKind.VECTOR, Level.INFO,
                            "contrast4j: kernel vector (auto); " + noBlas);
                }
                return Choice.of(new ScalarKernel(), KernelKind.SCALAR, Level.INFO,
                        "contrast4j: kernel scalar (auto); " + noBlas + "; the Vector API is not used: "
                                + Vector.PROBLEM);
            default:
                return Choice.failure(true, "-D" + Kernels.PROPERTY + " must be one of auto, scalar, vector, blas; was '"
                        + requested + "'", null);
        }
    }

    /** The blas choice: its row operations run on the Vector API when it can run, which the line says. */
    private static Choice blas(String how) {
        BlasKernel kernel = Blas.LOADING.kernel();
        String line = "contrast4j: kernel blas " + how + ", OpenBLAS " + kernel.library() + "; dot products, axpy and "
                + "element-wise work on the ";
        if (Vector.PROBLEM == null) {
            return Choice.of(kernel, KernelKind.VECTOR, Level.DEBUG, line + "Vector API");
        }
        return Choice.of(kernel, KernelKind.SCALAR, Level.INFO, line + "scalar kernel: the Vector API is not used: "
                + Vector.PROBLEM);
    }

    /**
     * Every kernel this JVM can run, one per {@link KernelKind} that can run, in the order of the enum (slowest first);
     * tests run each against the same reference and count them.
     */
    static List<Kernel> available() {
        List<Kernel> kernels = new ArrayList<>();
        kernels.add(new ScalarKernel());
        if (Vector.PROBLEM == null) {
            kernels.add(Vector.KERNEL);
        }
        if (Blas.LOADING.kernel() != null) {
            kernels.add(Blas.LOADING.kernel());
        }
        return kernels;
    }

    /** Why the Vector API cannot run, or {@code null} if it can. */
    static String vectorProblem() {
        return Vector.PROBLEM;
    }

    /** Why OpenBLAS cannot be used, or {@code null} if it can. */
    static String blasProblem() {
        return Blas.LOADING.failure();
    }

    /** The Vector API kernel and whether it can run, probed once. */
    private static final class Vector {
        static final String PROBLEM;
        static final Kernel KERNEL;

        static {
            String problem = vectorApiProblem();
            Kernel kernel = null;
            if (problem == null) {
                try {
                    // loaded reflectively so that no Vector API class is touched unless the module is present
                    kernel = (Kernel) Class.forName("org.contrast4j.linalg.VectorKernel").getDeclaredConstructor()
                            .newInstance();
                    int bits = VectorKernel.preferredBits();
                    if (bits < 128) {
                        problem = "the CPU's preferred vector holds " + bits + " bits (at least 128 are needed)";
                        kernel = null;
                    }
                } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                    problem = "the Vector API kernel cannot be created: " + e;
                    kernel = null;
                }
            }
            PROBLEM = problem;
            KERNEL = kernel;
        }

        private Vector() {
        }

        private static String vectorApiProblem() {
            Module self = KernelProvider.class.getModule();
            ModuleLayer layer = self.getLayer() != null ? self.getLayer() : ModuleLayer.boot();
            Module vector = layer.findModule(VECTOR_MODULE).orElse(null);
            if (vector == null) {
                return "module " + VECTOR_MODULE + " is not loaded (start the JVM with --add-modules " + VECTOR_MODULE
                        + ")";
            }
            if (!self.canRead(vector)) {
                return "module " + self.getName() + " does not read " + VECTOR_MODULE;
            }
            return null;
        }
    }

    /** OpenBLAS is looked for once per JVM, on first need (it is one process-wide library with global state). */
    private static final class Blas {
        static final BlasKernel.Loading LOADING = load();

        private Blas() {
        }

        private static BlasKernel.Loading load() {
            try {
                return BlasKernel.load(Vector.PROBLEM == null ? Vector.KERNEL : new ScalarKernel());
            } catch (RuntimeException | LinkageError e) {
                return new BlasKernel.Loading(null, "OpenBLAS could not be linked: " + e);
            }
        }
    }
}
