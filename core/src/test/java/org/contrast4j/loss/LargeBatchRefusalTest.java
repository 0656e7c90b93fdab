package org.contrast4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * The in-batch losses that have only a dense form refuse a batch of N = 50,000 at once — before allocating, with the
 * size they would need and how to proceed — instead of overflowing an int index or running out of heap. (NT-Xent, DCL
 * and SupCon run at that size on the tiled engine: {@code org.contrast4j.tiled.LargeBatchTest}.)
 */
class LargeBatchRefusalTest {
    static final int N = 50_000;

    /** N rows of D = 1: the inputs themselves are small. */
    static Matrix rows(int n) {
        Matrix x = Matrix.zeros(n, 1);
        java.util.Arrays.fill(x.data(), 1f);
        return x;
    }

    @Test
    void sigLipMarginAndTripletRefuseNamingTheSize() {
        Batch pairs = Batch.of(rows(N), rows(N));
        var e = assertThrows(IllegalArgumentException.class, () -> SigLip.builder().build().compute(pairs));
        assertEquals("SigLIP on N = 50000 rows needs 50000×50000 arrays of 8 bytes per entry in all, 18.6 GiB: more "
                + "than a Java array holds (2^31 − 1 entries); SigLIP has no tiled engine: split the batch, or give the "
                + "JVM more heap (-Xmx; CONTRAST4J_JAVA_OPTS for the command line)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MarginContrastive.builder().build().compute(pairs));
        assertEquals("MarginContrastive on N = 50000 rows needs 50000×50000 arrays of 24 bytes per entry in all, "
                + "55.9 GiB: more than a Java array holds (2^31 − 1 entries); MarginContrastive has no tiled engine: "
                + "split the batch, or give the JVM more heap (-Xmx; CONTRAST4J_JAVA_OPTS for the command line)",
                e.getMessage());
        Batch triplets = Batch.builder(rows(N)).positives(rows(N)).sharedNegatives(rows(N)).build();
        e = assertThrows(IllegalArgumentException.class, () -> Triplet.builder().build().compute(triplets));
        assertEquals("Triplet on N = 50000 anchors and M = 50000 shared negatives needs 50000×50000 arrays of 24 bytes "
                + "per entry in all, 55.9 GiB: more than a Java array holds (2^31 − 1 entries); Triplet has no tiled "
                + "engine: split the batch, or give the JVM more heap (-Xmx; CONTRAST4J_JAVA_OPTS for the command line)",
                e.getMessage());
    }

    @Test
    void denseInfoNceRefusesAndSaysWhichEngineToUse() {
        Batch pairs = Batch.of(rows(N), rows(N));
        var e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().engine(Engine.DENSE).build().compute(pairs));
        assertEquals("InfoNCE (dense engine) on N = 50000 rows and 50000 candidates needs 50000×50000 arrays of 13 "
                + "bytes per entry in all, 30.3 GiB: more than a Java array holds (2^31 − 1 entries); use the tiled "
                + "engine (Engine.TILED or AUTO, the default; --engine tiled or auto on the command line), which never "
                + "forms the N×N matrix", e.getMessage());
        // explicit negatives always run dense
        Batch shared = Batch.builder(rows(N)).positives(rows(N)).sharedNegatives(rows(10)).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> InfoNce.builder().symmetric(true).build().compute(shared));
        assertEquals("InfoNCE (dense engine) on N = 50000 rows and 50010 candidates needs 50000×50010 arrays of 30 "
                + "bytes per entry in all, 69.9 GiB: more than a Java array holds (2^31 − 1 entries); the tiled engine "
                + "takes no explicit negatives: use fewer rows or negatives, or give the JVM more heap (-Xmx; "
                + "CONTRAST4J_JAVA_OPTS for the command line)", e.getMessage());
    }

    @Test
    void aMatrixBeyondAJavaArrayIsRefusedWithItsSize() {
        var e = assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(N, N));
        assertEquals("a matrix of 50000 × 50000 elements exceeds a Java array (2^31 − 1 elements; would need 9.3 GiB)",
                e.getMessage());
    }
}
