import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.MiniLm;

/**
 * Encoding speed of contrast4j's MiniLm (length-sorted batches on ONNX Runtime) against langchain4j's own model class
 * ({@code embedAll}: one sentence per model call, spread over a thread pool), on the same sentences, alternating the
 * two so that both see the same machine load. Run by bench/text/compare_langchain4j.sh.
 *
 * usage: java -cp CLASSPATH EncodeSpeed.java TEXT N THREADS REPS BATCH_SIZES MODEL
 *   TEXT one sentence per line; the first N non-empty lines are encoded
 *   BATCH_SIZES comma-separated batch sizes of ours (e.g. 16,32,64); MODEL q or full
 * Prints one JSON line per timed run and a summary line per encoder: the median sentences per wall-clock second and
 * per CPU-second of the process (the latter moves less with the load of other processes on a shared machine).
 */
public class EncodeSpeed {
    public static void main(String[] a) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of(a[0]))) {
            if (!l.isBlank() && lines.size() < Integer.parseInt(a[1])) {
                lines.add(l);
            }
        }
        int threads = Integer.parseInt(a[2]);
        int reps = Integer.parseInt(a[3]);
        int[] batches = Arrays.stream(a[4].split(",")).mapToInt(Integer::parseInt).toArray();
        boolean q = a[5].equals("q");
        List<TextSegment> segments = lines.stream().map(TextSegment::from).toList();
        EmbeddingModel theirs = q ? new AllMiniLmL6V2QuantizedEmbeddingModel() : new AllMiniLmL6V2EmbeddingModel();
        List<MiniLm> ours = new ArrayList<>();
        for (int b : batches) {
            ours.add((q ? MiniLm.quantized() : MiniLm.full()).threads(threads).batchSize(b).build());
        }
        // warm-up: 200 sentences each
        theirs.embedAll(segments.subList(0, Math.min(200, segments.size())));
        for (MiniLm m : ours) {
            m.encode(lines.subList(0, Math.min(200, lines.size())));
        }
        double[][] ourRates = new double[ours.size()][reps];
        double[] theirRates = new double[reps];
        double[][] ourCpu = new double[ours.size()][reps];
        double[] theirCpu = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = cpu();
            long t0 = System.nanoTime();
            theirs.embedAll(segments);
            theirRates[r] = lines.size() / ((System.nanoTime() - t0) / 1e9);
            theirCpu[r] = lines.size() / ((cpu() - c0) / 1e9);
            System.out.printf(Locale.ROOT, "{\"encoder\": \"langchain4j embedAll\", \"model\": \"%s\", \"rep\": %d,"
                    + " \"sentences\": %d, \"sentences_per_s\": %.1f, \"sentences_per_cpu_s\": %.1f}%n", a[5], r,
                    lines.size(), theirRates[r], theirCpu[r]);
            for (int i = 0; i < ours.size(); i++) {
                long c1 = cpu();
                long t1 = System.nanoTime();
                Matrix m = ours.get(i).encode(lines);
                ourRates[i][r] = m.rows() / ((System.nanoTime() - t1) / 1e9);
                ourCpu[i][r] = m.rows() / ((cpu() - c1) / 1e9);
                System.out.printf(Locale.ROOT, "{\"encoder\": \"contrast4j MiniLm\", \"model\": \"%s\", \"batch\": %d,"
                        + " \"threads\": %d, \"rep\": %d, \"sentences\": %d, \"sentences_per_s\": %.1f,"
                        + " \"sentences_per_cpu_s\": %.1f}%n", a[5], batches[i], threads, r, lines.size(),
                        ourRates[i][r], ourCpu[i][r]);
            }
        }
        double theirMedian = median(theirRates);
        System.out.printf(Locale.ROOT, "SUMMARY model=%s sentences=%d langchain4j-embedAll %.0f sentences/s, %.0f"
                + " per CPU-second%n", a[5], lines.size(), theirMedian, median(theirCpu));
        for (int i = 0; i < ours.size(); i++) {
            double m = median(ourRates[i]);
            System.out.printf(Locale.ROOT, "SUMMARY model=%s sentences=%d contrast4j batch=%d threads=%d %.0f"
                    + " sentences/s (%.2fx langchain4j), %.0f per CPU-second%n", a[5], lines.size(), batches[i],
                    threads, m, m / theirMedian, median(ourCpu[i]));
            ours.get(i).close();
        }
    }

    /** CPU time of the whole JVM, in nanoseconds (all threads; ONNX Runtime's native threads included). */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
