package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gensim (Debian {@code python3-gensim}, run with {@code /usr/bin/python3}) as the independent reference: it loads
 * the files we write (text and binary) to the same words and bit-identical vectors, we load the files it writes,
 * and its {@code evaluate_word_analogies(restrict_vocab=…)} and {@code most_similar} give our counts and neighbours.
 * Skipped when gensim is not installed ({@code apt-get install -y python3-gensim}).
 */
class GensimInteropTest {
    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void gensimPresent() throws InterruptedException {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import gensim").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "gensim is not installed for " + PYTHON + " (apt-get install -y python3-gensim)");
    }

    /** Runs a Python script with arguments; returns its stdout, failing with its stderr on a non-zero exit. */
    String python(String script, String... args) throws IOException, InterruptedException {
        Path py = dir.resolve("script" + script.hashCode() + ".py");
        Files.writeString(py, script);
        List<String> cmd = new ArrayList<>(List.of(PYTHON, py.toString()));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), () -> "python failed: " + readQuietly(err));
        return out;
    }

    static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    static final String LOAD_AND_SAVE = """
            import sys, numpy as np
            from gensim.models import KeyedVectors
            d = sys.argv[1]
            words = open(d + '/words.txt', encoding='utf-8').read().split('\\n')[:-1]
            expected = np.fromfile(d + '/expected.f32', dtype='<f4').reshape(len(words), -1)
            for name, binary in (('ours.txt', False), ('ours.bin', True)):
                kv = KeyedVectors.load_word2vec_format(d + '/' + name, binary=binary)
                assert kv.index_to_key == words, (name, kv.index_to_key[:5])
                assert kv.vectors.dtype == np.float32
                assert np.array_equal(kv.vectors.view(np.uint32), expected.view(np.uint32)), name
            kv.save_word2vec_format(d + '/gensim.txt', binary=False)
            kv.save_word2vec_format(d + '/gensim.bin', binary=True)
            print('ok')
            """;

    @Test
    void gensimLoadsOurFilesAndWeLoadItsFiles() throws Exception {
        Random rnd = new Random(11);
        String[] words = {"the", "café", "東京", "don't", "naïve", "x1", "Zebra", "日本語", "a"};
        int d = 9;
        float[] v = new float[words.length * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
        }
        v[0] = Float.MAX_VALUE;
        v[1] = -Float.MIN_VALUE;
        v[2] = -0.0f;
        WordVectors ours = new WordVectors(words, Matrix.of(words.length, d, v));
        ours.writeText(dir.resolve("ours.txt"));
        ours.writeBinary(dir.resolve("ours.bin"));
        Files.writeString(dir.resolve("words.txt"), String.join("\n", words) + "\n");
        ByteBuffer raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(v);
        Files.write(dir.resolve("expected.f32"), raw.array());

        assertEquals("ok", python(LOAD_AND_SAVE, dir.toString()).strip());

        for (String name : new String[] {"gensim.txt", "gensim.bin"}) {
            WordVectors back = WordVectors.read(dir.resolve(name));
            WordVectorsTest.assertSame(ours, back);
        }
    }

    static final String ANALOGIES = """
            import sys, json
            from gensim.models import KeyedVectors
            kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
            score, sections = kv.evaluate_word_analogies(sys.argv[2], restrict_vocab=int(sys.argv[3]))
            out = {'sections': {s['section']: [len(s['correct']), len(s['incorrect'])] for s in sections},
                   'neighbours': {w: [k for k, _ in kv.most_similar(w, topn=10)] for w in sys.argv[4:]}}
            print(json.dumps(out))
            """;

    /**
     * Vectors with analogy structure for the words of the Google question set: every word a random vector, then
     * for each question pair (x, y) of a section, y = x + offset(section) + noise, the first time y is met — so some
     * questions are answered right, many are not, and the counts must agree with gensim's, section by section.
     */
    @Test
    void analogyCountsAndNeighboursEqualGensims() throws Exception {
        // the first 80 questions of each section of the Google set (gensim takes ~1 ms a question)
        Path questions = dir.resolve("questions-words.txt");
        List<String[]> lines = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(
                Evaluation.class.getResourceAsStream(Evaluation.QUESTIONS_RESOURCE))) {
            int inSection = 0;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                inSection = line.startsWith(":") ? 0 : inSection + 1;
                if (inSection <= 80) {
                    kept.add(line);
                    lines.add(line.strip().split("\\s+"));
                }
            }
        }
        Files.write(questions, kept);
        Random rnd = new Random(12);
        int dim = 24;
        Set<String> vocab = new LinkedHashSet<>();
        for (String[] l : lines) {
            if (!l[0].startsWith(":")) {
                for (String w : l) {
                    vocab.add(w.toLowerCase(Locale.ROOT));
                }
            }
        }
        for (int i = 0; i < 100; i++) {
            vocab.add("filler" + i);
        }
        Map<String, float[]> vec = new HashMap<>();
        for (String w : vocab) {
            vec.put(w, gaussian(rnd, dim, 1.0));
        }
        Set<String> fixed = new HashSet<>();
        float[] offset = null;
        for (String[] l : lines) {
            if (l[0].startsWith(":")) {
                offset = gaussian(rnd, dim, 1.0);
                continue;
            }
            for (int p = 0; p < 4; p += 2) {
                String x = l[p].toLowerCase(Locale.ROOT);
                String y = l[p + 1].toLowerCase(Locale.ROOT);
                if (!fixed.contains(y)) {
                    float[] noise = gaussian(rnd, dim, 0.6);
                    float[] vy = new float[dim];
                    for (int k = 0; k < dim; k++) {
                        vy[k] = vec.get(x)[k] + offset[k] + noise[k];
                    }
                    vec.put(y, vy);
                    fixed.add(y);
                    fixed.add(x);
                }
            }
        }
        List<String> order = new ArrayList<>(vocab);
        Collections.shuffle(order, rnd);
        float[] data = new float[order.size() * dim];
        for (int i = 0; i < order.size(); i++) {
            System.arraycopy(vec.get(order.get(i)), 0, data, i * dim, dim);
        }
        WordVectors v = new WordVectors(order.toArray(new String[0]), Matrix.of(order.size(), dim, data));
        Path bin = dir.resolve("analogy.bin");
        v.writeBinary(bin);
        int restrict = order.size() - 80;
        List<String> probes = order.subList(0, 5);

        List<String> args = new ArrayList<>(List.of(bin.toString(), questions.toString(),
                Integer.toString(restrict)));
        args.addAll(probes);
        JsonNode g = new ObjectMapper().readTree(python(ANALOGIES, args.toArray(new String[0])));

        AnalogyResult ours = Evaluation.analogies(v, questions, restrict);
        int seen = 0;
        for (AnalogyResult.Section s : ours.perSection().values()) {
            JsonNode counts = g.get("sections").get(s.name());
            assertEquals(counts.get(0).asInt(), s.correct(), "correct in " + s.name());
            assertEquals(counts.get(0).asInt() + counts.get(1).asInt(), s.seen(), "seen in " + s.name());
            seen += s.seen();
        }
        JsonNode total = g.get("sections").get("Total accuracy");
        assertEquals(total.get(0).asInt(), ours.correct());
        assertEquals(seen, ours.seen());
        assertTrue(ours.accuracy() > 0.05 && ours.accuracy() < 0.95 && ours.skipped() > 0,
                "the test vectors should make the comparison informative: " + ours);
        for (String w : probes) {
            List<String> theirs = new ArrayList<>();
            g.get("neighbours").get(w).forEach(n -> theirs.add(n.asText()));
            assertEquals(theirs, v.nearest(w, 10).stream().map(WordVectors.Neighbour::word).toList(), w);
        }
    }

    static float[] gaussian(Random rnd, int n, double sigma) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (sigma * rnd.nextGaussian());
        }
        return v;
    }
}
