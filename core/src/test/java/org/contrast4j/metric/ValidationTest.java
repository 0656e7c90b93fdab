package org.contrast4j.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ValidationTest {
    private static final Matrix A = Reference.gaussian(4, 3, 1.0, 1);
    private static final Matrix B = Reference.gaussian(4, 3, 1.0, 2);

    /** A missing argument is a NullPointerException, a bad one an IllegalArgumentException; both name it. */
    private static void fails(String message, Executable call) {
        Class<? extends RuntimeException> type = message.endsWith("must not be null") ? NullPointerException.class
                : IllegalArgumentException.class;
        RuntimeException e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
    }

    private static Matrix with(Matrix m, int row, int col, float value) {
        Matrix c = m.copy();
        c.set(row, col, value);
        return c;
    }

    @Test
    void alignment() {
        fails("x and y must have the same shape: x is 4×3, y is 4×5",
                () -> Alignment.of(A, Reference.gaussian(4, 5, 1, 3)));
        fails("x and y must have the same shape: x is 4×3, y is 3×3",
                () -> Alignment.of(A, Reference.gaussian(3, 3, 1, 3)));
        fails("x needs at least 1 row, was 0×3", () -> Alignment.of(Matrix.zeros(0, 3), Matrix.zeros(0, 3)));
        fails("x has dimension 0: x is 4×0", () -> Alignment.of(Matrix.zeros(4, 0), Matrix.zeros(4, 0)));
        fails("y[2, 1] is NaN: inputs must be finite", () -> Alignment.of(A, with(B, 2, 1, Float.NaN)));
        fails("x[0, 2] is Infinity: inputs must be finite",
                () -> Alignment.of(with(A, 0, 2, Float.POSITIVE_INFINITY), B));
        fails("alpha must be > 0 and finite, was 0.0", () -> Alignment.of(A, B, 0, true));
        fails("alpha must be > 0 and finite, was -1.0", () -> Alignment.of(A, B, -1, true));
        fails("alpha must be > 0 and finite, was NaN", () -> Alignment.of(A, B, Double.NaN, true));
        fails("x must not be null", () -> Alignment.of(null, B));
        fails("y must not be null", () -> Alignment.of(A, null));
    }

    @Test
    void uniformity() {
        fails("x needs at least 2 rows (uniformity averages over pairs of rows), was 1×3",
                () -> Uniformity.of(Reference.gaussian(1, 3, 1, 1)));
        fails("x needs at least 2 rows (uniformity averages over pairs of rows), was 1×3",
                () -> Uniformity.sampled(Reference.gaussian(1, 3, 1, 1), 2, true, 10, 1));
        fails("x[3, 0] is -Infinity: inputs must be finite",
                () -> Uniformity.of(with(A, 3, 0, Float.NEGATIVE_INFINITY)));
        fails("t must be > 0 and finite, was 0.0", () -> Uniformity.of(A, 0, true));
        fails("t must be > 0 and finite, was Infinity", () -> Uniformity.of(A, Double.POSITIVE_INFINITY, true));
        fails("t must be > 0 and finite, was -2.0", () -> Uniformity.sampled(A, -2, true, 10, 1));
        fails("pairs must be >= 1, was 0", () -> Uniformity.sampled(A, 2, true, 0, 1));
        fails("x must not be null", () -> Uniformity.of(null));
    }

    @Test
    void collapse() {
        fails("x needs at least 2 rows (the mean cosine is over pairs of rows), was 1×3",
                () -> Collapse.of(Reference.gaussian(1, 3, 1, 1), true));
        fails("x[1, 1] is NaN: inputs must be finite", () -> Collapse.of(with(A, 1, 1, Float.NaN), false));
        fails("x has dimension 0: x is 5×0", () -> Collapse.of(Matrix.zeros(5, 0), true));
    }

    @Test
    void hardness() {
        fails("anchors and candidates must have the same shape: anchors is 4×3, candidates is 5×3",
                () -> Hardness.of(A, Reference.gaussian(5, 3, 1, 3), 0.1, true));
        fails("anchors needs at least 2 rows (each anchor needs its positive and at least one negative), was 1×3",
                () -> Hardness.of(Reference.gaussian(1, 3, 1, 1), Reference.gaussian(1, 3, 1, 2), 0.1, true));
        fails("candidates[0, 0] is NaN: inputs must be finite",
                () -> Hardness.of(A, with(B, 0, 0, Float.NaN), 0.1, true));
        fails("temperature must be > 0 and finite, was 0.0", () -> Hardness.of(A, B, 0, true));
        fails("temperature must be > 0 and finite, was -0.1", () -> Hardness.of(A, B, -0.1, true));
        fails("temperature must be > 0 and finite, was Infinity",
                () -> Hardness.of(A, B, Double.POSITIVE_INFINITY, false));
        fails("anchors must not be null", () -> Hardness.of(null, B, 0.1, true));
    }

    @Test
    void mutualInformation() {
        fails("x and y must have the same shape: x is 4×3, y is 4×2",
                () -> MutualInformation.infoNceBound(A, Reference.gaussian(4, 2, 1, 3), 0.1));
        fails("x needs at least 2 rows (each anchor needs its positive and at least one negative), was 1×3",
                () -> MutualInformation.infoNceBound(Reference.gaussian(1, 3, 1, 1), Reference.gaussian(1, 3, 1, 2),
                        0.1));
        fails("y[3, 2] is Infinity: inputs must be finite",
                () -> MutualInformation.infoNceBound(A, with(B, 3, 2, Float.POSITIVE_INFINITY), 0.1));
        fails("temperature must be > 0 and finite, was NaN", () -> MutualInformation.infoNceBound(A, B, Double.NaN));
    }
}
