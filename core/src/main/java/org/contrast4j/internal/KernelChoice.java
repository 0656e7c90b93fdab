package org.contrast4j.internal;

import java.util.function.Supplier;
import org.contrast4j.linalg.KernelKind;
import org.contrast4j.linalg.Kernels;

/**
 * The kernel provider's answer for code outside {@code org.contrast4j.linalg} that has its own SIMD implementations —
 * the tiled engine's epilogue, the word trainer's fused update — so that they follow the one choice the provider makes
 * for the GEMM kernels instead of choosing again. The provider (package-private in {@code org.contrast4j.linalg})
 * registers itself here when it is initialised, the pattern of the JDK's {@code SharedSecrets}.
 *
 * <p>Not API: the package is exported only to contrast4j's own modules.
 */
public final class KernelChoice {
    private static volatile Supplier<KernelKind> elementwise;

    private KernelChoice() {
    }

    /**
     * {@link KernelKind#VECTOR} when row operations and element-wise work run on the Vector API (the kernel is
     * {@code vector}, or {@code blas} with the Vector API available), else {@link KernelKind#SCALAR}; never
     * {@code BLAS}. Decided once per JVM with {@link Kernels#kind()}.
     *
     * @throws IllegalArgumentException if {@code -Dcontrast4j.kernel} has an unknown value (on every call)
     * @throws IllegalStateException    if it forces a kernel that cannot run (on every call)
     */
    public static KernelKind elementwise() {
        Kernels.kind(); // initialises the provider, which registers, and throws its error for a bad setting
        return elementwise.get();
    }

    /** Called once, by the provider. */
    public static void register(Supplier<KernelKind> provider) {
        Checks.notNull(provider, "provider");
        synchronized (KernelChoice.class) {
            if (elementwise != null) {
                throw new IllegalStateException("the kernel provider is already registered");
            }
            elementwise = provider;
        }
    }
}
