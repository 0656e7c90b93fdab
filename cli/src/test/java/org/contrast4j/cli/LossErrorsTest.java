package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.contrast4j.cli.CliTesting.writeLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Every bad input ends with exit code 2, one line on stderr naming what is wrong, and no output written. */
class LossErrorsTest {
    @TempDir
    Path dir;
    Path out;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(3);
        write(dir, "a.npy", rnd, 6, 5);
        write(dir, "p.npy", rnd, 6, 5);
        write(dir, "p64.npy", rnd, 6, 4);
        write(dir, "n.npy", rnd, 4, 5);
        write(dir, "n4.npy", rnd, 4, 4);
        write(dir, "np.npy", rnd, 5, 2, 5);
        write(dir, "a3.npy", rnd, 6, 1, 5);
        writeLabels(dir.resolve("l.npy"), 0, 1, 0, 1, 2, 2);
        writeLabels(dir.resolve("l5.npy"), 0, 1, 0, 1, 2);
        writeLabels(dir.resolve("same.npy"), 7, 7, 7, 7, 7, 7);
        out = dir.resolve("out");
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** loss --out OUT ARGS…, expecting exit 2 with every fragment and no output directory. */
    String bad(List<String> args, String... fragments) {
        List<String> all = new ArrayList<>(List.of("loss", "--out", out.toString()));
        all.addAll(args);
        String line = run(all.toArray(String[]::new)).assertBadInput(fragments);
        assertFalse(Files.exists(out), "no output directory left behind");
        return line;
    }

    List<String> args(String... a) {
        return Arrays.asList(a);
    }

    @Test
    void missingFile() {
        bad(args("--loss", "infonce", "--anchors", f("nope.npy"), "--positives", f("p.npy")),
                "contrast4j loss: --anchors " + f("nope.npy") + ": no such file");
    }

    @Test
    void truncatedNpy() throws IOException {
        byte[] whole = Files.readAllBytes(dir.resolve("p.npy"));
        Files.write(dir.resolve("cut.npy"), Arrays.copyOf(whole, whole.length - 7));
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("cut.npy")),
                "--positives " + f("cut.npy") + ": truncated: header says 6×5 float32 (120 bytes of data), file has 113");
    }

    @Test
    void wrongDtype() throws IOException {
        bad(args("--loss", "infonce", "--anchors", f("l.npy"), "--positives", f("p.npy")),
                "--anchors " + f("l.npy") + ": holds int64 ('<i8') but embeddings must be float32 ('<f4') or float64 ('<f8')");
        bad(args("--loss", "supcon", "--anchors", f("a.npy"), "--labels", f("p.npy")),
                "--labels " + f("p.npy") + ": holds float32 ('<f4') but labels must be int32 ('<i4') or int64 ('<i8')");
        Files.write(dir.resolve("u8.npy"), NpyBytes.npy(1, 0, NpyBytes.dict("|u1", false, "(6, 5)"), new byte[30]));
        bad(args("--loss", "infonce", "--anchors", f("u8.npy"), "--positives", f("p.npy")),
                f("u8.npy") + ": dtype '|u1' is not supported");
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p64.npy")),
                "--positives " + f("p64.npy") + " is 6×4 but --anchors " + f("a.npy") + " is 6×5",
                "same shape");
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives",
                f("n4.npy")), "--negatives " + f("n4.npy") + " is 4×4 but --anchors " + f("a.npy") + " is 6×5",
                "M×5");
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives",
                f("np.npy")), "is 5×2×5 but --anchors", "is 6×5", "paired negatives must be 6×M×5");
        bad(args("--loss", "infonce", "--anchors", f("a3.npy"), "--positives", f("p.npy")),
                "--anchors " + f("a3.npy") + " is 3-D (6×1×5): anchors must be 2-D, N×D");
    }

    @Test
    void falseNegativeAndLogQOptions() throws IOException {
        Random rnd = new Random(5);
        write(dir, "ga.npy", rnd, 6, 3);
        write(dir, "gp.npy", rnd, 6, 3);
        write(dir, "gp2.npy", rnd, 6, 2);
        write(dir, "g5.npy", rnd, 5, 3);
        ClassLossCommandTest.writeDoubles(dir.resolve("lq.npy"), -1, -2, -3, -1, -2, -3);
        ClassLossCommandTest.writeDoubles(dir.resolve("lq5.npy"), -1, -2, -3, -1, -2);
        ClassLossCommandTest.writeDoubles(dir.resolve("lqnan.npy"), -1, -2, Double.NaN, -1, -2, -3);
        ClassLossCommandTest.writeDoubles(dir.resolve("lqn.npy"), -1, -2, -3, -4);
        List<String> ap = args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"));
        bad(concat(ap, "--ids", f("l.npy"), "--labels", f("l.npy")), "--ids and --labels both given");
        bad(concat(ap, "--ids", f("l5.npy")), "--ids " + f("l5.npy") + " has 5 labels but --anchors");
        bad(concat(ap, "--ids", f("p.npy")), "--ids " + f("p.npy") + ": holds float32");
        bad(concat(ap, "--guide-anchors", f("ga.npy")), "--guide-anchors needs --guide-positives");
        bad(concat(ap, "--guide-margin", "0.1"), "--guide-margin needs --guide-anchors");
        bad(concat(ap, "--guide-anchors", f("ga.npy"), "--guide-positives", f("gp.npy"), "--guide-margin", "-1"),
                "--guide-margin", "-1");
        bad(concat(ap, "--guide-anchors", f("g5.npy"), "--guide-positives", f("g5.npy")),
                "--guide-anchors " + f("g5.npy") + " is 5×3 but --anchors", "one row per anchor");
        bad(concat(ap, "--guide-anchors", f("ga.npy"), "--guide-positives", f("gp2.npy")),
                "--guide-positives " + f("gp2.npy") + " is 6×2 but --guide-anchors " + f("ga.npy") + " is 6×3");
        bad(concat(ap, "--log-q", f("lq5.npy")), "--log-q " + f("lq5.npy") + " is 5 but --anchors",
                "6 rows");
        bad(concat(ap, "--log-q", f("lqnan.npy")), "--log-q " + f("lqnan.npy") + ": element [2] is NaN");
        bad(concat(ap, "--log-q", f("l.npy")), "--log-q " + f("l.npy") + ": holds int64");
        bad(concat(ap, "--log-q", f("lq.npy"), "--symmetric"), "one-way");
        bad(concat(ap, "--negatives-log-q", f("lqn.npy")), "--negatives-log-q needs --log-q and shared --negatives");
        bad(concat(ap, "--negatives", f("n.npy"), "--log-q", f("lq.npy")), "needs negativeLogQ");
        bad(concat(ap, "--negatives", f("n.npy"), "--log-q", f("lq.npy"), "--negatives-log-q", f("lq5.npy")),
                "--negatives-log-q " + f("lq5.npy") + " is 5 but --negatives " + f("n.npy") + " has 4");
        bad(args("--loss", "clip", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--log-q", f("lq.npy")),
                "--log-q does not apply to --loss clip (it applies to infonce)");
        bad(args("--loss", "ntxent", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--ids", f("l.npy")),
                "--ids does not apply to --loss ntxent");
        bad(args("--loss", "siglip", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--guide-anchors",
                f("ga.npy"), "--guide-positives", f("gp.npy")),
                "--guide-anchors does not apply to --loss siglip (it applies to infonce, clip, ntxent, supcon, dcl, "
                        + "dclw)");
        bad(args("--loss", "supcon", "--anchors", f("a.npy"), "--labels", f("l.npy"), "--guide-anchors",
                f("ga.npy"), "--guide-positives", f("gp.npy")), "a guide needs positives");
    }

    List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(Arrays.asList(tail));
        return all;
    }

    @Test
    void labelsOfTheWrongLength() {
        bad(args("--loss", "supcon", "--anchors", f("a.npy"), "--labels", f("l5.npy")),
                "--labels " + f("l5.npy") + " has 5 labels but --anchors " + f("a.npy") + " has 6 rows");
    }

    @Test
    void nanInInput() throws IOException {
        float[] v = Npy.read(dir.resolve("p.npy")).toFloats().clone();
        v[2 * 5 + 3] = Float.NaN;
        Npy.write(dir.resolve("nan.npy"), new int[] {6, 5}, v);
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("nan.npy")),
                "--positives " + f("nan.npy") + ": element [2, 3] is NaN: inputs must be finite");
        float[] w = Npy.read(dir.resolve("np.npy")).toFloats().clone();
        w[1 * 10 + 1 * 5 + 4] = Float.NEGATIVE_INFINITY;
        Npy.write(dir.resolve("inf.npy"), new int[] {5, 2, 5}, w);
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives",
                f("inf.npy")), "element [1, 1, 4] is -Infinity");
    }

    @Test
    void unknownLoss() {
        bad(args("--loss", "hinge", "--anchors", f("a.npy")),
                "--loss", "expected one of infonce, clip, ntxent, supcon, siglip, dcl, dclw, margin, triplet,"
                        + " softmax, nce, neg, sampled-softmax",
                "'hinge'");
    }

    @Test
    void optionNotValidForTheLoss() {
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--bias", "-3"),
                "--bias does not apply to --loss infonce (it applies to siglip)");
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("n.npy"),
                "--temperature", "0.5"), "--temperature does not apply to --loss triplet");
        bad(args("--loss", "clip", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--symmetric"),
                "--symmetric does not apply to --loss clip (it applies to infonce)");
        bad(args("--loss", "ntxent", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("n.npy")),
                "--negatives does not apply to --loss ntxent (it applies to infonce, clip, margin, triplet)");
        bad(args("--loss", "dcl", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--no-learnable-temperature",
                "--sigma", "0.3"), "--sigma does not apply to --loss dcl (it applies to dclw)");
        bad(args("--loss", "siglip", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels", f("l.npy")),
                "--labels does not apply to --loss siglip");
    }

    @Test
    void missingRequiredInput() {
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy")),
                "--loss triplet needs --negatives");
        bad(args("--loss", "supcon", "--anchors", f("a.npy")), "--loss supcon needs --labels");
        bad(args("--loss", "ntxent", "--anchors", f("a.npy")), "--loss ntxent needs --positives");
        bad(args("--loss", "infonce"), "--loss infonce needs --anchors (N×D)");
    }

    @Test
    void temperatureNotPositive() {
        for (String t : List.of("0", "-0.1", "NaN", "Infinity")) {
            bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--temperature", t),
                    "--temperature ", "temperature must be > 0");
        }
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--temperature", "warm"),
                "--temperature", "'warm'");
    }

    @Test
    void otherValuesTheBuildersReject() {
        bad(args("--loss", "margin", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--positive-margin", "0.5",
                "--negative-margin", "0.2"), "contrast4j loss: ");
        bad(args("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives", f("n.npy"),
                "--margin", "-1"), "--margin -1.0: ");
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--similarity", "l2"),
                "--similarity", "expected one of cosine, dot but was 'l2'");
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--reduction", "max"),
                "expected one of mean, sum, none but was 'max'");
    }

    @Test
    void batchTheLibraryRejects() {
        // every in-batch candidate shares the anchor's label and there are no explicit negatives
        String line = bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels",
                f("same.npy")), "InfoNCE");
        assertTrue(line.contains("negative"), line);
    }

    @Test
    void unknownOptionAndOutIsAFile() throws IOException {
        bad(args("--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--tau", "0.1"),
                "Unknown option", "--tau");
        Files.writeString(out, "x");
        CliTesting.Run r = run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"),
                "--out", out.toString());
        r.assertBadInput("--out " + out + ": exists and is not a directory");
        Path under = out.resolve("sub");
        run("loss", "--loss", "infonce", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--out",
                under.toString()).assertBadInput("--out " + under + ": cannot create the directory");
    }

    @Test
    void noCommand() {
        CliTesting.Run r = run();
        assertEquals(2, r.code());
        assertEquals("contrast4j: missing command: demo, train, loss, metrics, experiment, bench, neighbours, compare,"
                + " search, evaluate, mine, index, spark, embed (see 'contrast4j --help')",
                r.err().strip());
    }
}
