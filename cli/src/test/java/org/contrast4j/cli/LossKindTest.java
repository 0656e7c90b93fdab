package org.contrast4j.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ClassBatch;
import org.contrast4j.loss.ClassScoringLoss;
import org.contrast4j.loss.FullSoftmax;
import org.contrast4j.loss.Nce;
import org.contrast4j.loss.NegativeSampling;
import org.contrast4j.loss.SampledSoftmax;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Dcl;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.MarginContrastive;
import org.contrast4j.loss.NtXent;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.SupCon;
import org.contrast4j.loss.Triplet;
import org.junit.jupiter.api.Test;

/**
 * The command line's table of which input files each loss takes ({@link LossKind}) agrees with what the library
 * itself accepts: a required input missing, or an unused input given, makes the loss throw; an optional one may be
 * given or not.
 */
class LossKindTest {
    static final int N = 4;
    static final int D = 3;

    static ContrastiveLoss library(LossKind k) {
        return switch (k) {
            case INFONCE -> InfoNce.builder().build();
            case CLIP -> InfoNce.clip().build();
            case NTXENT -> NtXent.builder().build();
            case SUPCON -> SupCon.builder().build();
            case SIGLIP -> SigLip.builder().build();
            case DCL -> Dcl.builder().build();
            case DCLW -> Dcl.builder().weighted(true).build();
            case MARGIN -> MarginContrastive.builder().build();
            case TRIPLET -> Triplet.builder().build();
            case SOFTMAX, NCE, NEG, SAMPLED_SOFTMAX -> throw new IllegalArgumentException(k + " is class-scoring");
        };
    }

    static Matrix m(Random rnd, int rows) {
        return Matrix.of(rows, D, CliTesting.gaussian(rnd, rows * D));
    }

    /** A batch with the required inputs of {@code k}, plus {@code extra} ("--positives", …) when not null. */
    static Batch batch(LossKind k, String extra, String omit) {
        Random rnd = new Random(5);
        Batch.Builder b = Batch.builder(m(rnd, N));
        for (String option : new String[] {"--positives", "--negatives", "--labels"}) {
            boolean give = option.equals(extra)
                    || (k.use(option) == LossKind.Use.REQUIRED && !option.equals(omit));
            if (!give) {
                continue;
            }
            switch (option) {
                case "--positives" -> b.positives(m(rnd, N));
                case "--negatives" -> b.sharedNegatives(m(rnd, 2));
                default -> b.labels(new long[] {0, 1, 0, 1});
            }
        }
        return b.build();
    }

    @Test
    void tableAgreesWithTheLibrary() {
        int checked = 0;
        for (LossKind k : LossKind.values()) {
            if (k.classScoring()) {
                continue;
            }
            ContrastiveLoss loss = library(k);
            assertDoesNotThrow(() -> loss.compute(batch(k, null, null)), k.key + " with its required inputs");
            for (String option : new String[] {"--positives", "--negatives", "--labels"}) {
                switch (k.use(option)) {
                    case REQUIRED -> assertThrows(IllegalArgumentException.class,
                            () -> loss.compute(batch(k, null, option)), k.key + " without " + option);
                    case OPTIONAL -> assertDoesNotThrow(() -> loss.compute(batch(k, option, null)),
                            k.key + " with " + option);
                    case NO -> assertThrows(IllegalArgumentException.class,
                            () -> loss.compute(batch(k, option, null)), k.key + " rejects " + option);
                }
                checked++;
            }
        }
        assertEquals(27, checked);
    }

    @Test
    void namesAndLookup() {
        assertEquals("infonce, clip, ntxent, supcon, siglip, dcl, dclw, margin, triplet, softmax, nce, neg,"
                + " sampled-softmax", LossKind.names());
        for (LossKind k : LossKind.values()) {
            assertEquals(k, LossKind.parse(k.key));
        }
        assertEquals("siglip", LossKind.acceptedBy("--bias"));
        assertEquals("infonce, clip, margin, triplet", LossKind.acceptedBy("--negatives"));
        assertEquals("infonce, clip, ntxent, supcon, siglip, dcl, dclw, margin, triplet",
                LossKind.acceptedBy("--anchors"));
        assertEquals("infonce, clip, ntxent, supcon, siglip, dcl, dclw, margin, triplet",
                LossKind.acceptedBy("--similarity"));
        assertEquals("softmax, nce, neg, sampled-softmax", LossKind.acceptedBy("--queries"));
        assertEquals("nce, neg, sampled-softmax", LossKind.acceptedBy("--samples"));
        assertEquals("nce, sampled-softmax", LossKind.acceptedBy("--noise"));
        assertEquals("nce, neg, sampled-softmax", LossKind.acceptedBy("--remove-accidental-hits"));
        assertEquals("nce", LossKind.acceptedBy("--learnable-log-normaliser"));
        assertEquals(LossKind.acceptedBy("--loss"), LossKind.names());
        assertEquals(LossKind.acceptedBy("--reduction"), LossKind.names());
    }

    static final int B = 3;
    static final int V = 7;

    static ClassScoringLoss classLibrary(LossKind k) {
        return switch (k) {
            case SOFTMAX -> FullSoftmax.builder().build();
            case NCE -> Nce.builder().build();
            case NEG -> NegativeSampling.builder().build();
            case SAMPLED_SOFTMAX -> SampledSoftmax.builder().build();
            default -> throw new IllegalArgumentException(k + " is contrastive");
        };
    }

    /** A class batch with the required inputs of {@code k}, without {@code omit} (--samples or --noise). */
    static ClassBatch classBatch(LossKind k, String omit) {
        Random rnd = new Random(8);
        ClassBatch.Builder b = ClassBatch.builder(m(rnd, B), m(rnd, V)).targets(new int[] {0, 3, 6});
        if (k.use("--samples") == LossKind.Use.REQUIRED && !"--samples".equals(omit)) {
            b.sharedSamples(new int[] {1, 2, 4});
        }
        if (k.use("--noise") == LossKind.Use.REQUIRED && !"--noise".equals(omit)) {
            double[] q = new double[V];
            java.util.Arrays.fill(q, 1.0 / V);
            b.noise(q);
        }
        return b.build();
    }

    @Test
    void classTableAgreesWithTheLibrary() {
        // a required input missing makes the library throw; an input marked "-" is one the library does not need
        // (it ignores it, so one batch can feed every objective; the command line rejects it as a likely mistake)
        int checked = 0;
        for (LossKind k : LossKind.values()) {
            if (!k.classScoring()) {
                continue;
            }
            ClassScoringLoss loss = classLibrary(k);
            assertDoesNotThrow(() -> loss.compute(classBatch(k, null)), k.key + " with its required inputs");
            for (String option : new String[] {"--samples", "--noise"}) {
                if (k.use(option) == LossKind.Use.REQUIRED) {
                    assertThrows(IllegalArgumentException.class, () -> loss.compute(classBatch(k, option)),
                            k.key + " without " + option);
                } else {
                    assertEquals(LossKind.Use.NO, k.use(option));
                    assertDoesNotThrow(() -> loss.compute(classBatch(k, option)), k.key + " without " + option);
                }
                checked++;
            }
            assertEquals(LossKind.Use.OPTIONAL, k.use("--class-bias"));
            assertEquals(LossKind.Use.NO, k.use("--anchors"));
        }
        assertEquals(8, checked);
    }
}
