import org.contrast4j.linalg.Kernels;

/**
 * One-thread GFLOP/s of the kernel the facade chose (-Dcontrast4j.kernel) on the product shapes behind the kernel
 * choice in BlasKernel ("Wider vectors than OpenBLAS's kernel"): C = A·Bᵀ (NT) and C = A·B (NN), m×n×k, each shape
 * run for about 2 GFLOP twice, the second time reported. Run from the repository root after building core:
 * <pre>
 * for k in blas vector; do OPENBLAS_NUM_THREADS=1 java --add-modules jdk.incubator.vector \
 *     --enable-native-access=ALL-UNNAMED -Dcontrast4j.kernel=$k -cp core/target/classes bench/GemmShapes.java; done
 * </pre>
 */
public class GemmShapes {
    public static void main(String[] args) {
        int[][] shapes = {{16, 16, 100}, {64, 64, 100}, {256, 256, 100}, {1024, 384, 384}, {2048, 768, 384},
            {4096, 256, 256}, {512, 2048, 256}, {8, 2048, 256}};
        java.util.Random r = new java.util.Random(1);
        try (var single = Kernels.singleThreadedCalls()) {
            for (int rep = 0; rep < 2; rep++) {
                for (int[] sh : shapes) {
                    int m = sh[0], n = sh[1], k = sh[2];
                    float[] a = new float[m * k], b = new float[n * k], c = new float[m * n];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = r.nextFloat();
                    }
                    for (int i = 0; i < b.length; i++) {
                        b[i] = r.nextFloat();
                    }
                    long flops = 2L * m * n * k;
                    int iters = (int) Math.max(3, 2e9 / flops);
                    for (String t : new String[] {"NT", "NN"}) {
                        boolean tb = t.equals("NT");
                        long t0 = System.nanoTime();
                        for (int it = 0; it < iters; it++) {
                            Kernels.gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, c, 0, n);
                        }
                        double s = (System.nanoTime() - t0) / 1e9;
                        if (rep == 1) {
                            System.out.printf("%s %dx%dx%d %s: %.1f GF/s%n", Kernels.kind(), m, n, k, t,
                                    flops * iters / s / 1e9);
                        }
                    }
                }
            }
        }
    }
}
