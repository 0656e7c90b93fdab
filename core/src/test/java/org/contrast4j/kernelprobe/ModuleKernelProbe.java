package org.contrast4j.kernelprobe;

import org.contrast4j.internal.KernelChoice;
import org.contrast4j.linalg.Kernels;

/**
 * Run by {@code KernelSelectionTest} in a child JVM with contrast4j core on the module path (a named module that
 * {@code requires static jdk.incubator.vector}) and this class on the class path: prints the provider's choice. In its
 * own package, since a package of the core module cannot also be on the class path.
 */
public final class ModuleKernelProbe {
    private ModuleKernelProbe() {
    }

    public static void main(String[] args) {
        System.out.println("module=" + Kernels.class.getModule().getName());
        System.out.println("kernel=" + Kernels.kind().id());
        System.out.println("elementwise=" + KernelChoice.elementwise().id());
        System.out.println("dot=" + Kernels.dot(new float[] {1, 2, 3}, 0, new float[] {4, 5, 6}, 0, 3));
    }
}
