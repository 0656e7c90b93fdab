package org.contrast4j.bench;

import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point work done by a benchmark, in GFLOP; JMH reports an OPERATIONS counter as a rate, so the
 * secondary score {@code :gflops} is GFLOP/s. A benchmark adds 2·M·N·K·10⁻⁹ per M×K by K×N product.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {
    public double gflops;

    @Setup(Level.Iteration)
    public void reset() {
        gflops = 0;
    }

    /** A rows×cols matrix of values uniform in [-1, 1). */
    static Matrix randomMatrix(SplittableRandom random, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return Matrix.of(rows, cols, data);
    }
}
