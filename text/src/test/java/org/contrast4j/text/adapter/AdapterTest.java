package org.contrast4j.text.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.contrast4j.FloatBounds;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initial identity, applying and saving adapters, and the errors on bad input. */
class AdapterTest {
    @TempDir
    Path tmp;

    /** x / ‖x‖ per row, in double. */
    private static double[][] normalised(Matrix x) {
        double[][] out = GradientTest.rowsOf(x, range(x.rows()));
        for (double[] r : out) {
            double s = 0;
            for (double v : r) {
                s += v * v;
            }
            double norm = Math.sqrt(s);
            for (int j = 0; j < r.length; j++) {
                r[j] /= norm;
            }
        }
        return out;
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static void assertNormalisedInput(Matrix x, Matrix y) {
        double[][] want = normalised(x);
        // W = I, b = 0 (or W₂ = 0, b₂ = 0) reproduce x exactly; only the normalisation rounds: ≤ (D + 2)·u per entry
        double tol = (x.cols() + 2) * FloatBounds.U;
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                assertEquals(want[i][j], y.get(i, j), tol, "row " + i + ", column " + j);
            }
        }
    }

    @Test
    void initialAdaptersAreTheIdentityOnBothSides() {
        Matrix x = Synthetic.gaussianMatrix(50, 24, 3);
        for (Adapter a : new Adapter[] {Adapter.linear(24, 24, false), Adapter.linear(24, 24, true),
            Adapter.mlp(24, 16, false, 9), Adapter.mlp(24, 48, true, 9)}) {
            assertNormalisedInput(x, a.apply(x, Side.QUERY));
            assertNormalisedInput(x, a.apply(x, Side.DOCUMENT));
        }
    }

    @Test
    void trainingFromTheIdentityStartsAtTheFrozenScores() {
        double[][] r = Synthetic.rotation(8, 5);
        Pairs p = Synthetic.pairs(60, 8, r, 0.5, 3);
        AdapterTraining run = AdapterTrainer.builder().threads(1).build().start(p, p);
        assertEquals(run.frozenValidation(), run.initialValidation());
    }

    @Test
    void theMinerNeverReturnsAnAnswerOfTheSameQueryAskedTwice() {
        Matrix q = Synthetic.gaussianMatrix(4, 3, 1);
        System.arraycopy(q.data(), 0, q.data(), 2 * 3, 3);       // query 2 = query 0
        Pairs p = Pairs.of(q, Synthetic.gaussianMatrix(5, 3, 2), new int[] {0, 1, 4, 3});
        int[][] sets = AdapterTraining.positiveSets(p);
        assertArrayEquals(new int[] {0, 4}, sets[0]);
        assertArrayEquals(new int[] {1}, sets[1]);
        assertArrayEquals(new int[] {0, 4}, sets[2]);
        assertArrayEquals(new int[] {3}, sets[3]);
    }

    @Test
    void saveAndLoadKeepEveryParameterAndApplyTheSame() throws IOException {
        double[][] r = Synthetic.rotation(8, 5);
        Pairs p = Synthetic.pairs(200, 8, r, 0.5, 3);
        for (AdapterTrainer t : new AdapterTrainer[] {
            AdapterTrainer.builder().epochs(1).threads(1).learningRate(1e-2).build(),
            AdapterTrainer.builder().epochs(1).threads(1).outputDimension(5).shared(true).build(),
            AdapterTrainer.builder().epochs(1).threads(1).kind(AdapterKind.MLP).hidden(3).build()}) {
            AdapterTraining run = t.start(p, p);
            run.runEpoch();
            Adapter a = run.current().withEncoder("test/encoder");
            Path dir = tmp.resolve(t.kind().key() + t.shared());
            a.save(dir);
            Adapter b = Adapter.load(dir);
            assertArrayEquals(a.parameters(), b.parameters());
            assertEquals(a.toString(), b.toString());
            assertEquals("test/encoder", b.encoder().orElseThrow());
            for (Side s : Side.values()) {
                assertArrayEquals(a.apply(p.queries(), s).data(), b.apply(p.queries(), s).data());
            }
        }
        // NumPy's view: y = x @ weight.T + bias
        Path dir = tmp.resolve("linearfalse");
        Matrix w = Npy.readMatrix(dir.resolve("query_weight.npy"));
        assertEquals(8, w.rows());
        assertEquals(8, w.cols());
        assertTrue(Files.readString(dir.resolve("adapter.json")).contains("\"kind\": \"linear\""));
    }

    @Test
    void badInputsGivePreciseErrors() throws IOException {
        Adapter a = Adapter.linear(8, 8, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.apply(Matrix.zeros(3, 7), Side.QUERY));
        assertEquals("the adapter takes embeddings of dimension 8, got " + Matrix.zeros(3, 7).shape(), e.getMessage());
        Matrix nan = Matrix.zeros(2, 8);
        nan.set(1, 3, Float.NaN);
        e = assertThrows(IllegalArgumentException.class, () -> a.apply(nan, Side.DOCUMENT));
        assertTrue(e.getMessage().startsWith("embeddings[1, 3] is NaN"), e.getMessage());

        Matrix q = Synthetic.gaussianMatrix(4, 8, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> Pairs.of(q, Synthetic.gaussianMatrix(4, 6, 2), new int[] {0, 1, 2, 3}));
        assertTrue(e.getMessage().startsWith("queries and documents must have the same dimension"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Pairs.of(q, Synthetic.gaussianMatrix(4, 8, 2), new int[] {0, 1, 4, 3}));
        assertEquals("positives[2] = 4 is not a document row: there are 4 documents", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Pairs.of(Matrix.zeros(0, 8), Synthetic.gaussianMatrix(4, 8, 2), new int[0]));
        assertTrue(e.getMessage().startsWith("queries needs at least 1 row"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pairs.of(q, Synthetic.gaussianMatrix(4, 8, 2),
                new int[] {0, 1, 2, 3}, new int[][] {{1}, {1}, {}, {}}));
        assertEquals("negatives[1][0] = 1 is query 1's positive", e.getMessage());

        Matrix docNaN = Synthetic.gaussianMatrix(4, 8, 2);
        docNaN.set(2, 5, Float.POSITIVE_INFINITY);
        e = assertThrows(IllegalArgumentException.class, () -> Pairs.of(q, docNaN, new int[] {0, 1, 2, 3}));
        assertTrue(e.getMessage().startsWith("documents[2, 5] is Infinity"), e.getMessage());

        Pairs p8 = Pairs.of(q, Synthetic.gaussianMatrix(4, 8, 2), new int[] {0, 1, 2, 3});
        Pairs p6 = Pairs.of(Synthetic.gaussianMatrix(4, 6, 1), Synthetic.gaussianMatrix(4, 6, 2),
                new int[] {0, 1, 2, 3});
        AdapterTrainer t = AdapterTrainer.builder().threads(1).build();
        e = assertThrows(IllegalArgumentException.class, () -> t.start(p8, p6));
        assertTrue(e.getMessage().startsWith("training and validation embeddings must have the same dimension"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().matryoshkaDims(4, 16).threads(1).build().start(p8, p8));
        assertEquals("Matryoshka dimension 16 exceeds the adapter's output dimension 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AdapterTrainer.builder().kind(AdapterKind.MLP).outputDimension(4).build());
        assertTrue(e.getMessage().startsWith("an MLP adapter is residual"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdapterTrainer.builder().batchSize(1));
        assertEquals("batchSize must be >= 2, was 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdapterTrainer.builder().matryoshkaDims(8, 4));
        assertTrue(e.getMessage().contains("strictly ascending"), e.getMessage());

        assertThrows(NoSuchFileException.class, () -> Adapter.load(tmp.resolve("nothing")));
        Path dir = tmp.resolve("broken");
        Adapter.linear(8, 8, false).save(dir);
        Npy.write(dir.resolve("document_weight.npy"), Matrix.zeros(8, 7));
        e = assertThrows(IllegalArgumentException.class, () -> Adapter.load(dir));
        assertTrue(e.getMessage().contains("document_weight.npy: expected a float array of shape [8, 8], found"),
                e.getMessage());
    }
}
