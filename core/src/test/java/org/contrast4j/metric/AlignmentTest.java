package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.contrast4j.FloatBounds;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AlignmentTest {

    @ParameterizedTest(name = "N={0} D={1} alpha={2} normalize={3}")
    @CsvSource({
            "1, 3, 2.0, true", "1, 3, 2.0, false", "2, 5, 2.0, true", "17, 8, 2.0, true", "17, 8, 2.0, false",
            "33, 16, 1.0, true", "33, 16, 0.5, false", "40, 7, 3.0, true", "40, 7, 3.0, false"})
    void matchesTheReferenceLoop(int n, int d, double alpha, boolean normalize) {
        Matrix x = Reference.gaussian(n, d, 1.0, 11L * n + d);
        Matrix y = Reference.noisy(x, 0.5, 13L * n + d);
        double expected = Reference.alignment(x, y, alpha, normalize);
        double actual = Alignment.of(x, y, alpha, normalize);
        double maxDistance = normalize ? 2 : maxDistance(x, y);
        assertEquals(expected, actual, FloatBounds.alignment(alpha, maxDistance, normalize ? 2 * FloatBounds.U : 0,
                d, expected));
    }

    /** max ‖x_i − y_i‖ in double. */
    static double maxDistance(Matrix x, Matrix y) {
        double max = 0;
        for (int i = 0; i < x.rows(); i++) {
            double s = 0;
            for (int k = 0; k < x.cols(); k++) {
                double v = (double) x.get(i, k) - y.get(i, k);
                s += v * v;
            }
            max = Math.max(max, Math.sqrt(s));
        }
        return max;
    }

    @Test
    void defaultsAreAlphaTwoOnNormalisedRows() {
        Matrix x = Reference.gaussian(20, 6, 3.0, 1);
        Matrix y = Reference.noisy(x, 1.0, 2);
        double expected = Reference.alignment(x, y, 2.0, true);
        assertEquals(expected, Alignment.of(x, y), FloatBounds.alignment(2, 2, 2 * FloatBounds.U, 6, expected));
    }

    @Test
    void onTheSphereWithAlphaTwoItIsTwoMinusTwiceTheMeanPairCosine() {
        // ‖x̂ − ŷ‖² = 2 − 2⟨x̂, ŷ⟩ for unit vectors: an identity independent of the distance loop
        Matrix x = Reference.gaussian(50, 9, 2.0, 3);
        Matrix y = Reference.noisy(x, 1.5, 4);
        double[][] a = Reference.normalized(x);
        double[][] b = Reference.normalized(y);
        double cos = 0;
        for (int i = 0; i < a.length; i++) {
            cos += Reference.dot(a[i], b[i]) / a.length;
        }
        assertEquals(2 - 2 * cos, Alignment.of(x, y), FloatBounds.alignment(2, 2, 2 * FloatBounds.U, 9, 2));
    }

    @Test
    void identicalViewsAreZeroAndScaledViewsAreZeroOnlyWhenNormalised() {
        Matrix x = Reference.gaussian(12, 5, 1.0, 5);
        // exact by design: the same rows normalised by the same code give the same bits, differences 0
        assertEquals(0.0, Alignment.of(x, x.copy()), 0.0);
        float[] scaled = x.data().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 4f; // exact in float: a power of two
        }
        Matrix y = Matrix.of(12, 5, scaled);
        // x and 4x normalise to rows that differ by at most one rounding per entry
        assertEquals(0.0, Alignment.of(x, y, 2.0, true), FloatBounds.alignment(2, 0, 2 * FloatBounds.U, 5, 0));
        // raw: ‖x − 4x‖² = 9‖x‖²
        double expected = 0;
        for (double[] row : Reference.toDouble(x)) {
            expected += 9 * Reference.dot(row, row) / 12;
        }
        assertEquals(expected, Alignment.of(x, y, 2.0, false), FloatBounds.alignment(2, 0, 0, 5, expected));
    }

    @Test
    void oppositeUnitVectorsHaveDistanceTwo() {
        // x_i = e_i, y_i = −e_i: ‖x − y‖ = 2, so the alignment is 2^α for every α
        int d = 4;
        Matrix x = Matrix.zeros(d, d);
        Matrix y = Matrix.zeros(d, d);
        for (int i = 0; i < d; i++) {
            x.set(i, i, 1f);
            y.set(i, i, -1f);
        }
        // ±1 entries: exact in float32, double rounding of the power only
        assertEquals(4.0, Alignment.of(x, y), FloatBounds.alignment(2, 2, 0, d, 4));
        assertEquals(2.0, Alignment.of(x, y, 1.0, true), FloatBounds.alignment(1, 2, 0, d, 2));
        assertEquals(Math.pow(2, 0.7), Alignment.of(x, y, 0.7, false), FloatBounds.alignment(0.7, 2, 0, d, 2));
    }
}
