package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)));
    }

    @Test
    void defaultsAreAlphaTwoOnNormalisedRows() {
        Matrix x = Reference.gaussian(20, 6, 3.0, 1);
        Matrix y = Reference.noisy(x, 1.0, 2);
        assertEquals(Reference.alignment(x, y, 2.0, true), Alignment.of(x, y), 1e-6);
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
        assertEquals(2 - 2 * cos, Alignment.of(x, y), 1e-6);
    }

    @Test
    void identicalViewsAreZeroAndScaledViewsAreZeroOnlyWhenNormalised() {
        Matrix x = Reference.gaussian(12, 5, 1.0, 5);
        assertEquals(0.0, Alignment.of(x, x.copy()), 0.0);
        float[] scaled = x.data().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 4f; // exact in float: a power of two
        }
        Matrix y = Matrix.of(12, 5, scaled);
        assertEquals(0.0, Alignment.of(x, y, 2.0, true), 1e-12);
        // raw: ‖x − 4x‖² = 9‖x‖²
        double expected = 0;
        for (double[] row : Reference.toDouble(x)) {
            expected += 9 * Reference.dot(row, row) / 12;
        }
        assertEquals(expected, Alignment.of(x, y, 2.0, false), 1e-9 * expected);
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
        assertEquals(4.0, Alignment.of(x, y), 1e-12);
        assertEquals(2.0, Alignment.of(x, y, 1.0, true), 1e-12);
        assertEquals(Math.pow(2, 0.7), Alignment.of(x, y, 0.7, false), 1e-12);
    }
}
