package org.contrast4j.linalg;

/**
 * Run in a child JVM by {@link KernelSelectionTest}: prints the kernel the facade selected, then checks one product
 * ([[1,2],[3,4]]·[[5,6],[7,8]]ᵀ = [[17,23],[39,53]], by hand) and exits 1 if it is wrong.
 */
public final class KernelProbe {
    private KernelProbe() {
    }

    public static void main(String[] args) {
        System.out.println("kernel=" + Kernels.name());
        Matrix c = Kernels.multiplyTransposed(Matrix.fromRows(new float[][] {{1, 2}, {3, 4}}),
                Matrix.fromRows(new float[][] {{5, 6}, {7, 8}}));
        float[] expected = {17, 23, 39, 53};
        for (int i = 0; i < expected.length; i++) {
            if (c.data()[i] != expected[i]) {
                System.out.println("wrong product at " + i + ": " + c.data()[i]);
                System.exit(1);
            }
        }
        // a second use of the facade must not log the fallback again
        Kernels.rowNorms(c);
        System.out.println("product ok");
    }
}
