package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector epilogue's exponential against {@link Math#exp} in double. */
class VectorExpTest {

    @Test
    void withinThreeUlpOfMathExpAndZeroBelowMinus87() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "Vector API absent");
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        SplittableRandom rnd = new SplittableRandom(1);
        int count = 1 << 16;
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = (float) (rnd.nextDouble() * 95 - 87);  // [−87, 8)
        }
        // exact points: 0, ±ln 2 multiples, the ends
        float[] special = {0f, -0f, -87f, 8f, (float) -Math.log(2), -1e-30f, -86.99999f, -20.5f};
        System.arraycopy(special, 0, x, 0, special.length);
        float[] y = new float[count];
        for (int i = 0; i < count; i += lanes) {
            VectorEpilogue.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(y, i);
        }
        double worst = 0;
        for (int i = 0; i < count; i++) {
            double e = Math.exp(x[i]);
            double ulps = Math.abs(y[i] - e) / Math.ulp((float) e);
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= 3, "worst error " + worst + " ulp");
        float[] below = new float[lanes];
        below[0] = Float.NEGATIVE_INFINITY;
        for (int i = 1; i < lanes; i++) {
            below[i] = -87.0001f - 100 * i;
        }
        VectorEpilogue.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, below, 0)).intoArray(y, 0);
        for (int i = 0; i < lanes; i++) {
            assertEquals(0f, y[i], "exp(" + below[i] + ")");
        }
    }
}
