package org.contrast4j.loss;

import static org.contrast4j.loss.LossTesting.checkAgainstReference;
import static org.contrast4j.loss.LossTesting.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;
import org.contrast4j.tiled.SelfSimilarityReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NT-Xent, DCL / DCLW and SupCon on the tiled engine ({@link org.contrast4j.tiled.TiledSelfSimilarity}): the
 * reference and finite-difference checks of their own tests on small batches; agreement with the dense path at a few
 * hundred rows within twice the float error bound of {@link SelfSimilarityReference} (derived from D, M, τ and the row
 * norms), for cosine and dot, τ from 1e-3 to 10, every reduction, with and without positives for SupCon; the AUTO
 * switch; and the refusal of a dense batch too large to allocate.
 */
class SelfSimilarityEnginesTest {

    @ParameterizedTest(name = "NT-Xent {0} {1} τ={2}")
    @CsvSource({"COSINE,MEAN,0.5", "COSINE,SUM,0.1", "COSINE,NONE,1", "DOT,MEAN,0.7", "DOT,SUM,2", "DOT,NONE,10",
        "COSINE,MEAN,0.01"})
    void ntXentTiledMatchesReferenceAndFiniteDifferences(Similarity s, Reduction r, double tau) {
        SplittableRandom rnd = new SplittableRandom(21);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        NtXent loss = NtXent.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                .engine(Engine.TILED).threads(2).build();
        checkAgainstReference(loss, batch, tau, 0, v -> NtXentTest.reference(v, s == Similarity.COSINE, r),
                Scalar.LOG_TEMPERATURE);
    }

    @ParameterizedTest(name = "weighted={0} {1} {2}")
    @CsvSource({"false,COSINE,MEAN", "false,DOT,SUM", "true,COSINE,MEAN", "true,DOT,NONE", "true,COSINE,SUM"})
    void dclTiledMatchesReferenceAndFiniteDifferences(boolean weighted, Similarity s, Reduction r) {
        SplittableRandom rnd = new SplittableRandom(44);
        Batch batch = Batch.of(gaussian(rnd, 5, 4), gaussian(rnd, 5, 4));
        double tau = 0.6;
        double[] w = weighted ? DclTest.weights(batch, s == Similarity.COSINE, 0.5) : null;
        checkAgainstReference(Dcl.builder().weighted(weighted).temperature(tau).learnableTemperature(true)
                        .similarity(s).reduction(r).engine(Engine.TILED).threads(2).build(), batch, tau, 0,
                v -> DclTest.reference(v, w, s == Similarity.COSINE, r), Scalar.LOG_TEMPERATURE);
    }

    @ParameterizedTest(name = "{0} {1} positives={2} base={3}")
    @CsvSource({"COSINE,MEAN,false,NaN", "COSINE,SUM,true,NaN", "DOT,MEAN,true,0.07", "DOT,NONE,false,NaN",
        "COSINE,MEAN,true,0.07", "COSINE,SUM,false,0.5"})
    void supConTiledMatchesReferenceAndFiniteDifferences(Similarity s, Reduction r, boolean withPositives,
                                                         double base) {
        SplittableRandom rnd = new SplittableRandom(33);
        long[] labels = {0, 1, 0, 2, 1, 0, 3};
        Batch.Builder b = Batch.builder(gaussian(rnd, 7, 4)).labels(labels);
        if (withPositives) {
            b.positives(gaussian(rnd, 7, 4));
        }
        double tau = 0.4;
        SupCon.Builder lb = SupCon.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                .engine(Engine.TILED).threads(3);
        if (!Double.isNaN(base)) {
            lb.baseTemperature(base);
        }
        LossResult result = checkAgainstReference(lb.build(), b.build(), tau, 0,
                v -> SupConTest.reference(v, labels, withPositives, s == Similarity.COSINE, base, r),
                Scalar.LOG_TEMPERATURE);
        assertEquals(withPositives ? 0 : 2, result.skippedRows());
    }

    enum Kind { NTXENT, DCL, DCLW, SUPCON, SUPCON_VIEWS }

    static Stream<Arguments> agreement() {
        List<Arguments> out = new ArrayList<>();
        int c = 0;
        for (Kind kind : Kind.values()) {
            for (Similarity s : Similarity.values()) {
                for (double tau : new double[] {1e-3, 0.1, 10}) {
                    out.add(Arguments.of(kind, s, tau, Reduction.values()[c++ % 3]));
                }
            }
        }
        return out.stream();
    }

    /**
     * Dense and tiled at N = 150 (300 stacked rows): per-row losses, value, temperature gradient within twice the bound
     * (each path is within the bound of the exact value); gradients with respect to the raw rows per row in the
     * 2-norm, the prepared-space bound carried through the cosine backward ((I − x̂x̂ᵀ)/‖x‖ has norm 1/‖x‖).
     */
    @ParameterizedTest(name = "{0} {1} τ={2} {3}")
    @MethodSource("agreement")
    void tiledAgreesWithDenseWithinTheFloatBound(Kind kind, Similarity similarity, double tau, Reduction reduction) {
        SplittableRandom rnd = new SplittableRandom(kind.ordinal() * 7L + similarity.ordinal());
        int n = 150;
        int d = 16;
        Matrix a = gaussian(rnd, n, d);
        Matrix p = gaussian(rnd, n, d);
        for (int k = 0; k < p.data().length; k++) {
            p.data()[k] = a.data()[k] + 0.5f * p.data()[k];
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(12);
        }
        labels[n - 1] = 99;  // seen once: skipped without positives
        boolean views = kind != Kind.SUPCON;
        Batch batch = kind == Kind.SUPCON ? Batch.builder(a).labels(labels).build()
                : kind == Kind.SUPCON_VIEWS ? Batch.builder(a).positives(p).labels(labels).build() : Batch.of(a, p);
        double base = kind == Kind.SUPCON_VIEWS ? 0.07 : Double.NaN;
        LossResult dense = build(kind, similarity, tau, reduction, base, Engine.DENSE).compute(batch);
        LossResult tiled = build(kind, similarity, tau, reduction, base, Engine.TILED).compute(batch);

        Matrix z = views ? Blocks.stack(similarity.prepare(a), similarity.prepare(p)) : similarity.prepare(a);
        int m = z.rows();
        double scale = 1 / tau;
        SelfSimilarityReference ref;
        double factor = Double.isNaN(base) ? 1 : tau / base;
        if (kind == Kind.SUPCON || kind == Kind.SUPCON_VIEWS) {
            long[] y = new long[m];
            int valid = 0;
            for (int k = 0; k < m; k++) {
                y[k] = labels[k % n];
            }
            SelfSimilarityReference probe = SelfSimilarityReference.labels(z, scale, y, 1);
            for (boolean s : probe.skipped) {
                valid += s ? 0 : 1;
            }
            ref = SelfSimilarityReference.labels(z, scale, y, Reductions.rowWeight(reduction, valid) * factor);
        } else {
            double[] w = kind == Kind.DCLW ? DclTest.weights(batch, similarity == Similarity.COSINE, 0.5) : null;
            ref = SelfSimilarityReference.pairs(z, scale, w, kind == Kind.NTXENT,
                    Reductions.rowWeight(reduction, m));
        }
        String what = kind + " " + similarity + " τ=" + tau + " " + reduction;
        assertEquals(dense.skippedRows(), tiled.skippedRows(), what + " skipped");
        for (int k = 0; k < m; k++) {
            double tol = 2 * factor * ref.perRowBound[k];
            if (!(Math.abs(dense.perRow()[k] - tiled.perRow()[k]) <= tol)) {
                fail(what + " row " + k + ": dense " + dense.perRow()[k] + ", tiled " + tiled.perRow()[k]
                        + " (bound " + tol + ")");
            }
        }
        double valueTol = 2 * ref.valueBound() + 4 * SelfSimilarityReference.U * Math.abs(dense.value());
        if (!(Math.abs(dense.value() - tiled.value()) <= valueTol)) {
            fail(what + " value: dense " + dense.value() + ", tiled " + tiled.value() + " (bound " + valueTol + ")");
        }
        // ∂L/∂log τ = −Σ ∂L/∂l·l (SupCon with a base temperature adds L itself, compared above)
        double tempTol = 2 * ref.gradDotLogitBound + (Double.isNaN(base) ? 0 : valueTol);
        double dt = dense.scalarGradients().get(Scalar.LOG_TEMPERATURE);
        double tt = tiled.scalarGradients().get(Scalar.LOG_TEMPERATURE);
        if (!(Math.abs(dt - tt) <= tempTol)) {
            fail(what + " ∂L/∂log τ: dense " + dt + ", tiled " + tt + " (bound " + tempTol + ")");
        }
        assertEquals(dense.gradients().keySet(), tiled.gradients().keySet());
        for (Input input : dense.gradients().keySet()) {
            Matrix raw = input == Input.ANCHORS ? a : p;
            int first = input == Input.ANCHORS ? 0 : n;
            float[] gd = dense.gradient(input).data();
            float[] gt = tiled.gradient(input).data();
            for (int i = 0; i < n; i++) {
                double diff = 0;
                double bound = 0;
                double exact = 0;
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    double e = gd[i * d + j] - gt[i * d + j];
                    diff += e * e;
                    double b = ref.gradientBound[(first + i) * d + j];
                    bound += b * b;
                    double g = ref.gradient[(first + i) * d + j];
                    exact += g * g;
                    norm += (double) raw.get(i, j) * raw.get(i, j);
                }
                double tol = similarity == Similarity.COSINE
                        ? (2 * Math.sqrt(bound) + 8 * SelfSimilarityReference.U * Math.sqrt(exact)) / Math.sqrt(norm)
                        : 2 * Math.sqrt(bound);
                if (!(Math.sqrt(diff) <= tol)) {
                    fail(what + " " + input.key() + " gradient row " + i + ": ‖dense − tiled‖ = " + Math.sqrt(diff)
                            + ", bound " + tol);
                }
            }
        }
    }

    static ContrastiveLoss build(Kind kind, Similarity s, double tau, Reduction r, double base, Engine engine) {
        return switch (kind) {
            case NTXENT -> NtXent.builder().temperature(tau).learnableTemperature(true).similarity(s).reduction(r)
                    .engine(engine).threads(2).build();
            case DCL, DCLW -> Dcl.builder().weighted(kind == Kind.DCLW).temperature(tau).learnableTemperature(true)
                    .similarity(s).reduction(r).engine(engine).threads(2).build();
            case SUPCON, SUPCON_VIEWS -> {
                SupCon.Builder b = SupCon.builder().temperature(tau).learnableTemperature(true).similarity(s)
                        .reduction(r).engine(engine).threads(2);
                if (!Double.isNaN(base)) {
                    b.baseTemperature(base);
                }
                yield b.build();
            }
        };
    }

    @Test
    void autoSwitchesToTiledAtTheThreshold() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int n : new int[] {Engine.AUTO_TILED_FROM - 1, Engine.AUTO_TILED_FROM}) {
            Matrix a = gaussian(rnd, n, 4);
            Batch pairs = Batch.of(a, gaussian(rnd, n, 4));
            Batch labelled = Batch.builder(a).labels(rnd.longs(n, 0, 5).toArray()).build();
            Engine resolved = Engine.AUTO.resolve(n, false);
            assertEquals(n >= Engine.AUTO_TILED_FROM ? Engine.TILED : Engine.DENSE, resolved);
            assertSameBits(NtXent.builder().threads(2).build().compute(pairs),
                    NtXent.builder().threads(2).engine(resolved).build().compute(pairs));
            assertSameBits(Dcl.builder().threads(2).build().compute(pairs),
                    Dcl.builder().threads(2).engine(resolved).build().compute(pairs));
            assertSameBits(SupCon.builder().threads(2).build().compute(labelled),
                    SupCon.builder().threads(2).engine(resolved).build().compute(labelled));
        }
    }

    private static void assertSameBits(LossResult expected, LossResult actual) {
        assertEquals(expected.value(), actual.value());
        assertArrayEquals(expected.gradient(Input.ANCHORS).data(), actual.gradient(Input.ANCHORS).data());
    }

    @Test
    void aDenseBatchTooLargeIsRefusedAtOnceNamingTheSize() {
        // 2N = 60000 stacked rows: 3.6e9 entries, more than a Java array holds (the old code overflowed an int)
        int n = 30000;
        Matrix a = Matrix.zeros(n, 2);
        for (int i = 0; i < n; i++) {
            a.set(i, i % 2, 1f);
        }
        Batch batch = Batch.of(a, a.copy());
        var e = assertThrows(IllegalArgumentException.class,
                () -> NtXent.builder().engine(Engine.DENSE).build().compute(batch));
        assertEquals("NT-Xent (dense engine) on 2N = 60000 rows needs 60000×60000 arrays of 13 bytes per entry in all, "
                + "43.6 GiB: more than a Java array holds (2^31 − 1 entries); use the tiled engine (Engine.TILED or "
                + "AUTO, the default; --engine tiled or auto on the command line), which never forms the 60000×60000 "
                + "matrix and needs O(2N·D) memory", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dcl.builder().weighted(true).engine(Engine.DENSE).build().compute(batch));
        assertTrue(e.getMessage().startsWith("DCLW (dense engine) on 2N = 60000 rows needs 60000×60000 arrays"),
                e.getMessage());
        Batch labelled = Batch.builder(a).positives(a.copy()).labels(new long[n]).build();
        e = assertThrows(IllegalArgumentException.class,
                () -> SupCon.builder().engine(Engine.DENSE).build().compute(labelled));
        assertTrue(e.getMessage().startsWith("SupCon (dense engine) on 2N = 60000 rows needs"), e.getMessage());
        // within a Java array but beyond the heap (the surefire JVM has -Xmx4g): 2N = 20000 needs 5 GiB
        long heap = Runtime.getRuntime().maxMemory();
        int m = (int) Math.ceil(Math.sqrt(heap / 13.0 * 1.1));
        if (m % 2 == 1) {
            m++;
        }
        Matrix b = gaussian(new SplittableRandom(2), m / 2, 2);
        e = assertThrows(IllegalArgumentException.class,
                () -> NtXent.builder().engine(Engine.DENSE).build().compute(Batch.of(b, b.copy())));
        assertTrue(e.getMessage().contains(": more than the maximum heap ("), e.getMessage());
    }

    @Test
    void builderSettingsAndToString() {
        var e = assertThrows(IllegalArgumentException.class, () -> NtXent.builder().threads(0));
        assertEquals("threads must be >= 1, was 0", e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> SupCon.builder().engine(null));
        assertEquals("engine must not be null", npe.getMessage());
        assertEquals("NtXent{temperature=0.1, learnableTemperature=false, similarity=COSINE, reduction=MEAN}",
                NtXent.builder().build().toString());
        NtXent set = NtXent.builder().engine(Engine.TILED).threads(3).build();
        assertEquals("NtXent{temperature=0.1, learnableTemperature=false, similarity=COSINE, reduction=MEAN, "
                + "engine=TILED, threads=3}", set.toString());
        assertEquals("NtXent{temperature=0.2, learnableTemperature=false, similarity=COSINE, reduction=MEAN, "
                + "engine=TILED, threads=3}", set.withTemperature(0.2).toString());
        assertEquals("Dcl{weighted=false, temperature=0.3, learnableTemperature=false, similarity=COSINE, "
                + "reduction=MEAN, engine=DENSE}", Dcl.builder().engine(Engine.DENSE).build().withTemperature(0.3)
                .toString());
        assertEquals("SupCon{temperature=0.1, learnableTemperature=false, similarity=COSINE, reduction=MEAN, "
                + "threads=2}", SupCon.builder().threads(2).build().toString());
    }
}
