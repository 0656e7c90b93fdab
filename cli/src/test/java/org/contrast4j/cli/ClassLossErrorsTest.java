package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.contrast4j.cli.ClassLossCommandTest.writeDoubles;
import static org.contrast4j.cli.ClassLossCommandTest.writeInts;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.contrast4j.io.Npy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to the class-scoring losses ends with exit code 2, one line on stderr naming what is wrong (the
 * option, the file, the sizes or the offending element), and no output written.
 */
class ClassLossErrorsTest {
    static final int B = 4;
    static final int D = 3;
    static final int V = 6;

    @TempDir
    Path dir;
    Path out;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(5);
        write(dir, "h.npy", rnd, B, D);
        write(dir, "w.npy", rnd, V, D);
        write(dir, "w4.npy", rnd, V, D + 1);
        write(dir, "b.npy", rnd, V);
        write(dir, "b5.npy", rnd, V - 1);
        write(dir, "h3d.npy", rnd, B, 1, D);
        writeInts(dir.resolve("t.npy"), new int[] {B}, 0, 5, 2, 2);
        writeInts(dir.resolve("t3.npy"), new int[] {3}, 0, 5, 2);
        writeInts(dir.resolve("t_out.npy"), new int[] {B}, 0, 6, 2, 2);
        writeInts(dir.resolve("t2d.npy"), new int[] {2, 2}, 0, 5, 2, 2);
        writeInts(dir.resolve("s.npy"), new int[] {2}, 1, 3);
        writeInts(dir.resolve("s_neg.npy"), new int[] {2}, 1, -3);
        writeInts(dir.resolve("s_rows.npy"), new int[] {3, 2}, 1, 3, 4, 4, 0, 1);
        writeInts(dir.resolve("s_empty.npy"), new int[] {0});
        double[] q = {0.1, 0.2, 0.3, 0.1, 0.2, 0.1};
        writeDoubles(dir.resolve("q.npy"), q);
        writeDoubles(dir.resolve("q_sum.npy"), 0.1, 0.2, 0.3, 0.1, 0.2, 0.2);
        writeDoubles(dir.resolve("q_neg.npy"), 0.2, 0.2, 0.4, -0.1, 0.2, 0.1);
        writeDoubles(dir.resolve("q_nan.npy"), 0.1, 0.2, Double.NaN, 0.1, 0.2, 0.1);
        writeDoubles(dir.resolve("q5.npy"), 0.2, 0.2, 0.2, 0.2, 0.2);
        writeDoubles(dir.resolve("q_zero3.npy"), 0.2, 0.2, 0.2, 0.0, 0.2, 0.2);
        out = dir.resolve("out");
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    String bad(List<String> args, String... fragments) {
        List<String> all = new ArrayList<>(List.of("loss", "--out", out.toString()));
        all.addAll(args);
        String line = run(all.toArray(String[]::new)).assertBadInput(fragments);
        assertFalse(Files.exists(out.resolve("result.json")), "no result written");
        return line;
    }

    /** --loss LOSS with queries, classes and targets, then {@code more}. */
    List<String> args(String loss, String... more) {
        List<String> a = new ArrayList<>(List.of("--loss", loss, "--queries", f("h.npy"), "--classes", f("w.npy"),
                "--targets", f("t.npy")));
        a.addAll(Arrays.asList(more));
        return a;
    }

    @Test
    void missingRequiredInputs() {
        bad(List.of("--loss", "softmax", "--classes", f("w.npy"), "--targets", f("t.npy")),
                "--loss softmax needs --queries (B×D)");
        bad(List.of("--loss", "nce", "--queries", f("h.npy"), "--targets", f("t.npy")),
                "--loss nce needs --classes (V×D)");
        bad(List.of("--loss", "neg", "--queries", f("h.npy"), "--classes", f("w.npy"), "--samples", f("s.npy")),
                "--loss neg needs --targets");
        bad(args("nce", "--noise", f("q.npy")), "--loss nce needs --samples (k or B×k class ids");
        bad(args("sampled-softmax", "--samples", f("s.npy")), "--loss sampled-softmax needs --noise (V probabilities");
    }

    @Test
    void optionsThatDoNotApply() {
        bad(args("softmax", "--samples", f("s.npy")),
                "--samples does not apply to --loss softmax (it applies to nce, neg, sampled-softmax)");
        bad(args("neg", "--samples", f("s.npy"), "--noise", f("q.npy")),
                "--noise does not apply to --loss neg (it applies to nce, sampled-softmax)");
        bad(args("softmax", "--remove-accidental-hits", "true"), "--remove-accidental-hits does not apply");
        bad(args("sampled-softmax", "--samples", f("s.npy"), "--noise", f("q.npy"), "--learnable-log-normaliser"),
                "--learnable-log-normaliser does not apply to --loss sampled-softmax (it applies to nce)");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q.npy"), "--temperature", "0.1"),
                "--temperature does not apply to --loss nce");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q.npy"), "--similarity", "dot"),
                "--similarity does not apply to --loss nce");
        bad(args("softmax", "--anchors", f("h.npy")), "--anchors does not apply to --loss softmax");
        bad(List.of("--loss", "infonce", "--anchors", f("h.npy"), "--positives", f("h.npy"), "--queries",
                f("h.npy")), "--queries does not apply to --loss infonce (it applies to softmax, nce, neg,"
                + " sampled-softmax)");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q.npy"), "--remove-accidental-hits", "maybe"),
                "--remove-accidental-hits", "maybe");
    }

    @Test
    void shapesAndSizes() {
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("w4.npy"), "--targets", f("t.npy")),
                "--classes " + f("w4.npy") + " is 6×4 but --queries " + f("h.npy") + " is 4×3",
                "classes must be V×3");
        bad(List.of("--loss", "softmax", "--queries", f("h3d.npy"), "--classes", f("w.npy"), "--targets",
                f("t.npy")), "--queries " + f("h3d.npy") + " is 3-D (4×1×3): queries must be 2-D, B×D");
        bad(args("softmax", "--class-bias", f("b5.npy")),
                "--class-bias " + f("b5.npy") + " has 5 values but --classes " + f("w.npy") + " has 6 classes");
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("w.npy"), "--targets", f("t3.npy")),
                "--targets " + f("t3.npy") + " has 3 targets but --queries " + f("h.npy") + " has 4 queries");
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("w.npy"), "--targets",
                f("t2d.npy")), "--targets " + f("t2d.npy") + " is 2-D (2×2): targets must be 1-D");
        bad(args("neg", "--samples", f("s_rows.npy")),
                "--samples " + f("s_rows.npy") + " is 3×2 but --queries " + f("h.npy") + " has 4 queries",
                "must be 4×k");
        bad(args("neg", "--samples", f("s_empty.npy")), "--samples " + f("s_empty.npy") + " is 0: k must be >= 1");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q5.npy")),
                "--noise " + f("q5.npy") + " has 5 values but --classes " + f("w.npy") + " has 6 classes");
    }

    @Test
    void idsOutOfRange() {
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("w.npy"), "--targets",
                f("t_out.npy")), "--targets " + f("t_out.npy") + ": element [1] = 6 is outside [0, 6): --classes "
                + f("w.npy") + " has 6 classes");
        bad(args("neg", "--samples", f("s_neg.npy")), "--samples " + f("s_neg.npy") + ": element [1] = -3 is outside");
    }

    @Test
    void wrongDtypes() {
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("w.npy"), "--targets", f("b.npy")),
                "--targets " + f("b.npy") + ": holds float32 ('<f4') but class ids must be int32 ('<i4') or int64");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("t.npy")),
                "--noise " + f("t.npy") + ": holds int64 ('<i8') but noise probabilities must be float32");
        bad(List.of("--loss", "softmax", "--queries", f("t.npy"), "--classes", f("w.npy"), "--targets", f("t.npy")),
                "--queries " + f("t.npy") + ": holds int64");
    }

    @Test
    void badNoise() {
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q_sum.npy")),
                "--noise " + f("q_sum.npy") + " sums to 1.1", "must sum to 1 within 1.0E-4");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q_neg.npy")),
                "--noise " + f("q_neg.npy") + ": element [3] is -0.1: probabilities must be >= 0");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q_nan.npy")),
                "--noise " + f("q_nan.npy") + ": element [2] is NaN: inputs must be finite");
        // q(3) = 0 for the sampled class 3: the library names it (never a NaN)
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q_zero3.npy")),
                "NCE: noise q[3] = 0.0 for class 3, sampled class 1 of query 0");
        bad(args("sampled-softmax", "--samples", f("s.npy"), "--noise", f("q_zero3.npy")),
                "sampled softmax: noise q[3] = 0.0");
    }

    @Test
    void nonFiniteEmbeddingsAndBuilderValues() throws IOException {
        float[] w = Npy.read(dir.resolve("w.npy")).toFloats().clone();
        w[4 * D + 2] = Float.NaN;
        Npy.write(dir.resolve("wnan.npy"), new int[] {V, D}, w);
        bad(List.of("--loss", "softmax", "--queries", f("h.npy"), "--classes", f("wnan.npy"), "--targets",
                f("t.npy")), "--classes " + f("wnan.npy") + ": element [4, 2] is NaN: inputs must be finite");
        float[] b = Npy.read(dir.resolve("b.npy")).toFloats().clone();
        b[1] = Float.POSITIVE_INFINITY;
        Npy.write(dir.resolve("binf.npy"), new int[] {V}, b);
        bad(args("softmax", "--class-bias", f("binf.npy")),
                "--class-bias " + f("binf.npy") + ": element [1] is Infinity");
        bad(args("nce", "--samples", f("s.npy"), "--noise", f("q.npy"), "--log-normaliser", "NaN"),
                "--log-normaliser must be finite");
    }
}
