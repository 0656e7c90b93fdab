package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.json;
import static org.contrast4j.cli.CliTesting.matrix;
import static org.contrast4j.cli.CliTesting.run;
import static org.contrast4j.cli.CliTesting.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.metric.Alignment;
import org.contrast4j.metric.Collapse;
import org.contrast4j.metric.CollapseReport;
import org.contrast4j.metric.Hardness;
import org.contrast4j.metric.HardnessReport;
import org.contrast4j.metric.MutualInformation;
import org.contrast4j.metric.Uniformity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code contrast4j metrics} in-process: the JSON equals the library's metrics on the same inputs, and alignment and
 * uniformity also match plain double loops written from their formulas here.
 */
class MetricsCommandTest {
    static final int N = 7;
    static final int D = 4;

    @TempDir
    Path dir;
    Matrix x;
    Matrix y;

    @BeforeEach
    void inputs() throws IOException {
        Random rnd = new Random(99);
        x = matrix(N, D, write(dir, "x.npy", rnd, N, D));
        y = matrix(N, D, write(dir, "y.npy", rnd, N, D));
    }

    String f(String name) {
        return dir.resolve(name).toString();
    }

    /** The JSON document printed after the table. */
    static JsonNode printedJson(String out) throws IOException {
        return new ObjectMapper().readTree(out.substring(out.indexOf("\n{") + 1));
    }

    @Test
    void allMetricsWithY() throws IOException {
        CliTesting.Run r = run("metrics", "--x", f("x.npy"), "--y", f("y.npy"), "--alpha", "3", "--t", "1.5",
                "--temperature", "0.2");
        r.assertOk();
        JsonNode j = printedJson(r.out());
        // exact: the command runs the same library code on the same inputs in this JVM (same kernel, same shapes,
        // bit-reproducible by design), and JSON keeps every double exactly
        assertEquals(Alignment.of(x, y, 3, true), j.get("alignment").asDouble());
        assertEquals(Uniformity.of(x, 1.5, true), j.get("uniformity").asDouble());
        assertEquals(Uniformity.of(y, 1.5, true), j.get("uniformity_y").asDouble());
        CollapseReport c = Collapse.of(x, true);
        assertEquals(c.meanCosine(), j.get("collapse").get("mean_cosine").asDouble());
        assertEquals(c.effectiveRank(), j.get("collapse").get("effective_rank").asDouble());
        assertEquals(c.minDimStd(), j.get("collapse").get("min_dim_std").asDouble());
        assertEquals(c.meanDimStd(), j.get("collapse").get("mean_dim_std").asDouble());
        HardnessReport h = Hardness.of(x, y, 0.2, true);
        JsonNode hj = j.get("hardness");
        assertEquals(h.effectiveNegatives().mean(), hj.get("effective_negatives_mean").asDouble());
        assertEquals(h.top1Share().mean(), hj.get("top1_share_mean").asDouble());
        assertEquals(h.top10Share().mean(), hj.get("top10_share_mean").asDouble());
        assertEquals(h.positiveProbability().mean(), hj.get("positive_probability_mean").asDouble());
        assertEquals(MutualInformation.infoNceBound(x, y, 0.2), j.get("infonce_mi_bound").asDouble());

        // independent references (double loops from the formulas, rows L2-normalised):
        // alignment = mean_i ‖x̂_i − ŷ_i‖^α ; uniformity = log mean_{i<j} exp(−t‖x̂_i − x̂_j‖²)
        double[][] xn = normalized(x);
        double[][] yn = normalized(y);
        double align = 0;
        for (int i = 0; i < N; i++) {
            align += Math.pow(Math.sqrt(sqDist(xn[i], yn[i])), 3) / N;
        }
        // normalised float32 rows: every distance within 2u (FloatBounds.alignment)
        assertEquals(align, j.get("alignment").asDouble(), FloatBounds.alignment(3, 2, 2 * FloatBounds.U, D, align));
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < N; i++) {
            for (int k = i + 1; k < N; k++) {
                sum += Math.exp(-1.5 * sqDist(xn[i], xn[k]));
                pairs++;
            }
        }
        double unif = Math.log(sum / pairs);
        assertEquals(unif, j.get("uniformity").asDouble(), FloatBounds.uniformity(D, 1.5, N, 1, unif));

        for (String s : Set.of("alignment (α=3)", "uniformity x (t=1.5)", "collapse: effective rank",
                "hardness: effective negatives (τ=0.2)", "InfoNCE MI bound")) {
            assertTrue(r.out().contains(s), () -> s + " in\n" + r.out());
        }
    }

    static double[][] normalized(Matrix m) {
        double[][] r = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            double nn = 0;
            for (int k = 0; k < m.cols(); k++) {
                nn += (double) m.get(i, k) * m.get(i, k);
            }
            for (int k = 0; k < m.cols(); k++) {
                r[i][k] = m.get(i, k) / Math.sqrt(nn);
            }
        }
        return r;
    }

    static double sqDist(double[] u, double[] v) {
        double s = 0;
        for (int k = 0; k < u.length; k++) {
            s += (u[k] - v[k]) * (u[k] - v[k]);
        }
        return s;
    }

    @Test
    void onlyXGivesUniformityAndCollapseRawToFile() throws IOException {
        Path out = dir.resolve("m/metrics.json");
        CliTesting.Run r = run("metrics", "--x", f("x.npy"), "--raw", "--out", dir.resolve("m").toString());
        r.assertOk();
        assertFalse(r.out().contains("{"), "JSON went to the file, not stdout");
        assertTrue(r.out().contains("no (--raw)"));
        JsonNode j = json(out);
        assertEquals(Uniformity.of(x, 2, false), j.get("uniformity").asDouble());
        assertEquals(Collapse.of(x, false).effectiveRank(), j.get("collapse").get("effective_rank").asDouble());
        for (String absent : new String[] {"alignment", "uniformity_y", "hardness", "infonce_mi_bound"}) {
            assertFalse(j.has(absent), absent + " needs --y");
        }
        assertFalse(j.get("normalized").asBoolean());
    }

    @Test
    void rawChangesTheGeometry() throws IOException {
        CliTesting.Run r = run("metrics", "--x", f("x.npy"), "--y", f("y.npy"), "--raw");
        r.assertOk();
        JsonNode j = printedJson(r.out());
        assertEquals(Alignment.of(x, y, 2, false), j.get("alignment").asDouble());
        assertEquals(Hardness.of(x, y, 0.1, false).top1Share().mean(),
                j.get("hardness").get("top1_share_mean").asDouble());
    }

    @Test
    void badInput() throws IOException {
        run("metrics", "--x", f("x.npy"), "--alpha", "2").assertBadInput(
                "--alpha only affects alignment, which needs --y");
        run("metrics", "--x", f("x.npy"), "--temperature", "0.5").assertBadInput("--temperature only affects");
        run("metrics", "--x", f("x.npy"), "--y", f("y.npy"), "--temperature", "0").assertBadInput(
                "--temperature must be > 0 and finite, was 0.0");
        run("metrics", "--x", f("x.npy"), "--t", "-2").assertBadInput("--t must be > 0");
        write(dir, "y3.npy", new Random(1), N, D + 1);
        run("metrics", "--x", f("x.npy"), "--y", f("y3.npy")).assertBadInput(
                "--y " + f("y3.npy") + " is 7×5 but --x " + f("x.npy") + " is 7×4");
        write(dir, "one.npy", new Random(1), 1, D);
        run("metrics", "--x", f("one.npy")).assertBadInput("at least 2 rows");
        run("metrics", "--x", f("missing.npy")).assertBadInput(f("missing.npy") + ": no such file");
        run("metrics", "--x", f("x.npy"), "--out", f("x.npy")).assertBadInput("--out", "exists and is not a directory");
        Files.writeString(dir.resolve("text.npy"), "1,2,3\n");
        run("metrics", "--x", f("text.npy")).assertBadInput("not a .npy file");
        run("metrics").assertBadInput("Missing required option", "--x");
    }
}
