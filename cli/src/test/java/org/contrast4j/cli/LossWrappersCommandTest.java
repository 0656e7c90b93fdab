package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.matrix;
import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.contrast4j.cli.CliTesting.writeLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.contrast4j.io.Npy;
import org.contrast4j.io.NpyArray;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Input;
import org.contrast4j.loss.LossResult;
import org.contrast4j.loss.MarginContrastive;
import org.contrast4j.loss.Matryoshka;
import org.contrast4j.loss.Mined;
import org.contrast4j.loss.SigLip;
import org.contrast4j.loss.Triplet;
import org.contrast4j.loss.TripletMiner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loss --matryoshka-dims} and {@code --mining} in-process: what the command writes equals the library's result
 * on the same inputs (the library itself is checked against references in core's MatryoshkaTest and MinedTest), the
 * mined triplets in triplets.npy are those {@link Mined#mine} reports; bad input exits 2 with one line, nothing
 * written.
 */
class LossWrappersCommandTest {
    static final int N = 8;
    static final int D = 6;
    static final long[] LABELS = {0, 1, 0, 1, 2, 2, 0, 3};

    @TempDir
    Path dir;
    Matrix a;
    Matrix p;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(11);
        a = matrix(N, D, write(dir, "a.npy", rnd, N, D));
        p = matrix(N, D, write(dir, "p.npy", rnd, N, D));
        write(dir, "n.npy", rnd, 3, D);
        writeLabels(dir.resolve("l.npy"), LABELS);
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs loss with args, compares result.json and the gradients with {@code loss.compute(batch)}. */
    JsonNode check(String key, ContrastiveLoss loss, Batch batch, Set<String> files, String... args)
            throws IOException {
        Path out = dir.resolve("out-" + key);
        List<String> all = new ArrayList<>(List.of("loss", "--loss", key, "--out", out.toString()));
        all.addAll(List.of(args));
        run(all.toArray(String[]::new)).assertOk();
        LossResult want = loss.compute(batch);
        JsonNode j = json(out.resolve("result.json"));
        assertEquals(loss.toString(), j.get("config").asText());
        assertEquals(want.value(), j.get("value").asDouble());
        assertEquals(want.perRow().length, j.get("per_row").size());
        for (String t : want.terms().keySet()) {
            assertEquals(want.terms().get(t), j.get("terms").get(t).asDouble(), t);
        }
        Set<String> got = new TreeSet<>();
        try (var list = Files.list(out)) {
            list.forEach(q -> got.add(q.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(files), got);
        for (Input in : want.gradients().keySet()) {
            NpyArray g = Npy.read(out.resolve("grad_" + in.key() + ".npy"));
            assertArrayEquals(want.gradient(in).data(), g.toFloats(), in.key());
        }
        return j;
    }

    @Test
    void matryoshkaOverInfoNceAndSigLip() throws IOException {
        ContrastiveLoss inner = InfoNce.builder().temperature(0.2).learnableTemperature(true).build();
        Batch batch = Batch.builder(a).positives(p).labels(LABELS).build();
        JsonNode j = check("infonce", Matryoshka.of(inner).dims(2, 4, 6).weights(1, 0.5, 2).build(), batch,
                Set.of("result.json", "grad_anchors.npy", "grad_positives.npy"),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels", f("l.npy"), "--temperature", "0.2",
                "--learnable-temperature", "--matryoshka-dims", "2,4,6", "--matryoshka-weights", "1,0.5,2");
        assertEquals(Set.of("dim_2", "dim_4", "dim_6"), fields(j.get("terms")));
        assertTrue(j.get("scalar_gradients").has("log_temperature"));
        check("siglip", Matryoshka.of(SigLip.builder().build()).dims(3, 5).build(), Batch.of(a, p),
                Set.of("result.json", "grad_anchors.npy", "grad_positives.npy"),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--matryoshka-dims", "3,5");
    }

    @Test
    void minedTripletsAreWrittenAndTheLossIsOnThem() throws IOException {
        Mined mined = Mined.of(Triplet.builder().margin(0.3).build(), TripletMiner.batchHard());
        Batch batch = Batch.builder(a).labels(LABELS).build();
        check("triplet", mined, batch, Set.of("result.json", "grad_anchors.npy", "triplets.npy"),
                "--anchors", f("a.npy"), "--labels", f("l.npy"), "--margin", "0.3", "--mining", "batch-hard");
        assertTriplets(dir.resolve("out-triplet/triplets.npy"), mined.mine(batch));

        Mined semi = Mined.of(MarginContrastive.builder().negativeMargin(1.2).build(), TripletMiner.semiHard());
        Batch two = Batch.builder(a).positives(p).labels(LABELS).build();
        check("margin", semi, two, Set.of("result.json", "grad_anchors.npy", "grad_positives.npy", "triplets.npy"),
                "--anchors", f("a.npy"), "--positives", f("p.npy"), "--labels", f("l.npy"), "--negative-margin",
                "1.2", "--mining", "semi-hard");
        assertTriplets(dir.resolve("out-margin/triplets.npy"), semi.mine(two));
    }

    @Test
    void miningAndMatryoshkaTogether() throws IOException {
        Mined mined = Mined.of(Triplet.builder().build(), TripletMiner.semiHard());
        check("triplet", Matryoshka.of(mined).dims(3, 6).build(), Batch.builder(a).labels(LABELS).build(),
                Set.of("result.json", "grad_anchors.npy", "triplets.npy"),
                "--anchors", f("a.npy"), "--labels", f("l.npy"), "--mining", "semi-hard", "--matryoshka-dims", "3,6");
    }

    static void assertTriplets(Path file, TripletMiner.Triplets t) throws IOException {
        NpyArray x = Npy.read(file);
        assertArrayEquals(new int[] {t.size(), 3}, x.shape());
        long[] v = x.toLongs();
        for (int i = 0; i < t.size(); i++) {
            assertArrayEquals(new long[] {t.anchors()[i], t.positives()[i], t.negatives()[i]},
                    Arrays.copyOfRange(v, 3 * i, 3 * i + 3), "triplet " + i);
        }
    }

    static Set<String> fields(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    /** loss --out OUT ARGS…, expecting exit 2, one line with every fragment, and no output directory. */
    void bad(List<String> args, String... fragments) {
        Path out = dir.resolve("bad-out");
        List<String> all = new ArrayList<>(List.of("loss", "--out", out.toString()));
        all.addAll(args);
        run(all.toArray(String[]::new)).assertBadInput(fragments);
        assertFalse(Files.exists(out), "no output directory left behind");
    }

    @Test
    void badInput() {
        List<String> ap = List.of("--anchors", f("a.npy"), "--positives", f("p.npy"));
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "4,2"), ap),
                "--matryoshka-dims 4,2: dims must be strictly ascending, but dims[1] = 2 follows dims[0] = 4");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "0,2"), ap),
                "--matryoshka-dims 0,2: dims[0] must be >= 1, was 0");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "2,8"), ap),
                "--matryoshka-dims: the largest dimension 8 exceeds the inputs' dimension D = 6");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "2,4", "--matryoshka-weights", "1"), ap),
                "one weight per dimension: 2 dims [2, 4] but 1 weights [1.0]");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "2,4", "--matryoshka-weights", "1,-1"), ap),
                "--matryoshka-weights 1.0,-1.0: weights[1] must be finite and > 0, was -1.0");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-weights", "1"), ap),
                "--matryoshka-weights needs --matryoshka-dims");
        bad(concat(List.of("--loss", "infonce", "--matryoshka-dims", "2,x"), ap), "--matryoshka-dims");
        bad(List.of("--loss", "triplet", "--anchors", f("a.npy"), "--mining", "batch-hard"),
                "--mining needs --labels");
        bad(List.of("--loss", "triplet", "--anchors", f("a.npy"), "--labels", f("l.npy"), "--negatives",
                f("n.npy"), "--mining", "semi-hard"), "--negatives does not apply with --mining");
        bad(List.of("--loss", "triplet", "--anchors", f("a.npy"), "--labels", f("l.npy"), "--mining", "hardest"),
                "expected batch-hard or semi-hard but was 'hardest'");
        bad(concat(List.of("--loss", "infonce", "--mining", "batch-hard"), ap),
                "--mining does not apply to --loss infonce (it applies to margin, triplet)");
        bad(List.of("--loss", "triplet", "--anchors", f("a.npy"), "--positives", f("p.npy"), "--negatives",
                f("n.npy"), "--labels", f("l.npy")), "--labels does not apply to --loss triplet");
    }

    @Test
    void noTripletIsOneLine() throws IOException {
        writeLabels(dir.resolve("distinct.npy"), 0, 1, 2, 3, 4, 5, 6, 7);
        bad(List.of("--loss", "triplet", "--anchors", f("a.npy"), "--labels", f("distinct.npy"), "--mining",
                "batch-hard"), "no triplet can be mined from the 8 rows");
    }

    static List<String> concat(List<String> x, List<String> y) {
        List<String> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }
}
