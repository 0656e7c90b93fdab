import java.nio.file.*;
import java.util.*;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.adapter.*;

/**
 * The linear adapter's recipe sweep of docs/text-retrieval.md ("Training recipe"): trains the linear adapter of both
 * language pairs (KJV–WEB, WEB–RV1909) on the embeddings `demo retrieval --data` cached, the pairs built as the
 * benchmark builds them (documents de-duplicated by text), and prints per run the best epoch, the validation recall@1
 * (the selection criterion) and the four test recall@1 (exact cosine search, ties to the lower row, as the benchmark).
 * Skips BM25, HNSW and geometry, so a run takes a fraction of the demo's time. A single-file program:
 *
 *   java --add-modules jdk.incubator.vector -cp cli/target/contrast4j.jar scripts/AdapterRecipeSweep.java \
 *       CACHE_DIR out/bible "b2048 batch=2048 lr=2e-3 fixedtau=1 patience=6" "base lr=1e-3" ...
 *
 * Each run is "NAME key=value…" with keys batch, lr, epochs (30), patience (3), tau (0.05), fixedtau, shared, seed (1).
 */
public class AdapterRecipeSweep {
    static Path cache;
    static Path data;

    static Matrix load(String name) throws Exception {
        try (var s = Files.newDirectoryStream(cache, name + ".*.npy")) {
            for (Path p : s) return Npy.readMatrix(p);
        }
        throw new IllegalStateException(name);
    }
    static List<String> texts(String split, String tr) throws Exception {
        List<String> t = new ArrayList<>();
        for (String l : Files.readAllLines(data.resolve(split).resolve(tr + ".tsv"))) t.add(l.split("\t", -1)[3]);
        return t;
    }
    static Pairs pairs(Matrix q, Matrix d, List<String> docs) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Integer> first = new ArrayList<>();
        int[] pos = new int[docs.size()];
        for (int i = 0; i < docs.size(); i++) {
            final int row = i;
            pos[i] = ids.computeIfAbsent(docs.get(i), t -> { first.add(row); return first.size() - 1; });
        }
        float[] g = new float[first.size() * d.cols()];
        for (int j = 0; j < first.size(); j++) System.arraycopy(d.data(), first.get(j) * d.cols(), g, j * d.cols(), d.cols());
        return Pairs.of(q, Matrix.of(first.size(), d.cols(), g), pos);
    }
    public static void main(String[] args) throws Exception {
        cache = Path.of(args[0]);
        data = Path.of(args[1]);
        args = java.util.Arrays.copyOfRange(args, 2, args.length);
        String[][] prs = {{"kjv", "web"}, {"web", "rv1909"}};
        Map<String, Object[]> P = new HashMap<>();
        for (String[] p : prs) {
            Pairs tr = pairs(load(p[0] + "-train"), load(p[1] + "-train"), texts("train", p[1]));
            Pairs va = pairs(load(p[0] + "-valid"), load(p[1] + "-valid"), texts("valid", p[1]));
            P.put(p[0], new Object[] {tr, va, load(p[0] + "-test"), load(p[1] + "-test")});
        }
        for (String spec : args) {
            String[] parts = spec.trim().split("\\s+");
            Map<String, String> kv = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) { String[] x = parts[i].split("=", 2); kv.put(x[0], x[1]); }
            StringBuilder line = new StringBuilder(parts[0]).append(" | ").append(kv);
            for (String[] p : prs) {
                Object[] o = P.get(p[0]);
                Pairs tr = (Pairs) o[0], va = (Pairs) o[1];
                Matrix ts = (Matrix) o[2], tt = (Matrix) o[3];
                AdapterTrainer.Builder b = AdapterTrainer.builder().epochs(Integer.parseInt(kv.getOrDefault("epochs", "30")))
                        .batchSize(Integer.parseInt(kv.getOrDefault("batch", "128")))
                        .learningRate(Double.parseDouble(kv.getOrDefault("lr", "1e-3")))
                        .patience(Integer.parseInt(kv.getOrDefault("patience", "3")))
                        .seed(Long.parseLong(kv.getOrDefault("seed", "1"))).threads(2)
                        .temperature(Double.parseDouble(kv.getOrDefault("tau", "0.05")))
                        .learnableTemperature(!kv.containsKey("fixedtau"))
                        .shared(kv.containsKey("shared"));
                long t0 = System.nanoTime();
                AdapterTraining run = b.build().start(tr, va);
                StringBuilder h = new StringBuilder();
                while (!run.done()) {
                    var e = run.runEpoch();
                    h.append(String.format(Locale.ROOT, " %d:%.3f/%.3f", e.epoch(), e.validation().recallAt1(), e.temperature()));
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                Adapter a = run.best();
                int[] id = new int[ts.rows()];
                for (int i = 0; i < id.length; i++) id[i] = i;
                double fwd = RetrievalScores.of(a.apply(ts, Side.QUERY), a.apply(tt, Side.DOCUMENT), id, 2).recallAt1();
                double bwd = RetrievalScores.of(a.apply(tt, Side.DOCUMENT), a.apply(ts, Side.QUERY), id, 2).recallAt1();
                line.append(String.format(Locale.ROOT, " || %s-%s best %d/%d valid %.4f test %.4f %.4f (%.0f s)",
                        p[0], p[1], run.bestEpoch(), run.epochs().size(), run.bestValidation().recallAt1(), fwd, bwd, secs));
                System.err.println(p[0] + " epochs:" + h);
            }
            System.out.println(line);
            System.out.flush();
        }
    }
}
