package org.contrast4j.linalg;

import org.contrast4j.internal.KernelChoice;

/**
 * Run in a child JVM by {@link KernelSelectionTest}: prints the kernel the provider chose and the element-wise choice,
 * then checks one product ([[1,2],[3,4]]·[[5,6],[7,8]]ᵀ = [[17,23],[39,53]], by hand) and exits 1 if it is wrong.
 * When the choice fails (a bad setting) it prints the exception of three calls — the first, a second of the same
 * method, and one through the element-wise hook — one line each ("error: " + exception), and exits 3.
 */
public final class KernelProbe {
    private KernelProbe() {
    }

    public static void main(String[] args) {
        KernelKind kind;
        try {
            kind = Kernels.kind();
        } catch (RuntimeException | Error e) {
            System.out.println("error: " + e);
            for (Runnable call : new Runnable[] {Kernels::kind, KernelChoice::elementwise}) {
                try {
                    call.run();
                    System.out.println("no error on a later call");
                } catch (RuntimeException | Error again) {
                    System.out.println("error: " + again);
                }
            }
            System.exit(3);
            return;
        }
        System.out.println("kernel=" + kind.id());
        System.out.println("elementwise=" + KernelChoice.elementwise().id());
        Matrix c = Kernels.multiplyTransposed(Matrix.fromRows(new float[][] {{1, 2}, {3, 4}}),
                Matrix.fromRows(new float[][] {{5, 6}, {7, 8}}));
        float[] expected = {17, 23, 39, 53};
        for (int i = 0; i < expected.length; i++) {
            if (c.data()[i] != expected[i]) {
                System.out.println("wrong product at " + i + ": " + c.data()[i]);
                System.exit(1);
            }
        }
        // a second use of the facade must not log the choice again
        Kernels.rowNorms(c);
        System.out.println("product ok");
    }
}
