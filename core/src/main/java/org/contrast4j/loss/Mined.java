package org.contrast4j.loss;

import java.util.Arrays;
import org.contrast4j.internal.Checks;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.similarity.Similarity;

/**
 * A {@link Triplet} or {@link MarginContrastive} loss on triplets chosen by a {@link TripletMiner} from one labelled
 * batch (Hermans et al. 2017 batch-hard; FaceNet semi-hard), as pytorch-metric-learning's miner + loss pair.
 *
 * <p>The pool of embeddings X is the batch's anchors (N×D) — and, when the batch has positives, its positives too
 * (rows N … 2N−1, with the anchors' labels, so a two-view batch is mined across both views); the batch needs labels
 * and no explicit negatives. The miner picks T triplets (a_t, p_t, n_t) of rows of X with the loss's distance, and
 * the loss is computed on the gathered rows X[a_t], X[p_t] and X[n_t] as a batch of T anchors, T positives and one
 * paired negative each:
 * <pre>
 *   Triplet:            ℓ_t = h( d(x_a, x_p) − d(x_a, x_n) + margin )
 *   MarginContrastive:  ℓ_t = ½·max(0, d(x_a, x_p) − m⁺)² + ½·max(0, m⁻ − d(x_a, x_n))²
 * </pre>
 * (for MarginContrastive the gathered rows get one shared label, so its in-batch negatives are masked and only the
 * mined negative counts). The value is the loss's {@link Reduction} over the T triplets; per-row losses and terms are
 * the inner loss's, per triplet. The choice is piecewise constant in X, so the gradient is exact wherever the choice
 * does not change: the inner gradients of the gathered rows are added back into the rows of X they came from (a row
 * chosen several times receives every contribution), then split into anchors and positives.
 * {@link #mine(Batch)} reports the chosen triplets.
 */
public final class Mined implements ContrastiveLoss {
    private final ContrastiveLoss loss;
    private final TripletMiner miner;
    private final Similarity similarity;

    private Mined(ContrastiveLoss loss, TripletMiner miner, Similarity similarity) {
        this.loss = loss;
        this.miner = miner;
        this.similarity = similarity;
    }

    /**
     * {@code loss} on the triplets {@code miner} chooses; the miner uses the loss's similarity.
     *
     * @throws IllegalArgumentException if the loss is neither a {@link Triplet} nor a {@link MarginContrastive}
     */
    public static Mined of(ContrastiveLoss loss, TripletMiner miner) {
        Checks.notNull(loss, "loss");
        Checks.notNull(miner, "miner");
        Similarity s;
        if (loss instanceof Triplet t) {
            s = t.similarity();
        } else if (loss instanceof MarginContrastive m) {
            s = m.similarity();
        } else {
            throw new IllegalArgumentException("mining feeds Triplet or MarginContrastive, not " + loss);
        }
        return new Mined(loss, miner, s);
    }

    /** The triplets the miner chooses on this batch: row indices into the pool (anchors, then positives if any). */
    public TripletMiner.Triplets mine(Batch batch) {
        Checks.notNull(batch, "batch");
        return miner.mine(pool(batch), poolLabels(batch), similarity);
    }

    @Override
    public LossResult compute(Batch batch) {
        Matrix x = pool(batch);
        TripletMiner.Triplets t = miner.mine(x, poolLabels(batch), similarity);
        int[] ia = t.anchors();
        int[] ip = t.positives();
        int[] in = t.negatives();
        Batch.Builder b = Batch.builder(gather(x, ia)).positives(gather(x, ip)).pairedNegatives(gather(x, in), 1);
        if (loss instanceof MarginContrastive) {
            b.labels(new long[ia.length]); // one label: in-batch candidates masked, only the mined negative counts
        }
        LossResult r = loss.compute(b.build());
        int d = x.cols();
        double[] g = new double[x.data().length];
        scatter(r.gradient(Input.ANCHORS), ia, d, g);
        scatter(r.gradient(Input.POSITIVES), ip, d, g);
        scatter(r.gradient(Input.NEGATIVES), in, d, g);
        int n = batch.size();
        LossResult.Builder out = LossResult.builder(batch).value(r.value()).perRow(r.perRow())
                .skippedRows(r.skippedRows());
        out.gradient(Input.ANCHORS, toMatrix(n, d, g, 0));
        if (batch.positivesOrNull() != null) {
            out.gradient(Input.POSITIVES, toMatrix(n, d, g, n));
        }
        r.scalarGradients().forEach(out::scalarGradient);
        r.terms().forEach(out::term);
        return out.build();
    }

    private static Matrix pool(Batch batch) {
        Inputs.requireLabels(batch, "mining");
        Inputs.rejectNegatives(batch, "mining");
        Matrix a = batch.anchors();
        Matrix p = batch.positivesOrNull();
        if (p == null) {
            return a;
        }
        float[] data = Arrays.copyOf(a.data(), Checks.product(2L * a.rows(), a.cols(), "the mining pool", 4));
        System.arraycopy(p.data(), 0, data, a.data().length, p.data().length);
        return Matrix.of(2 * a.rows(), a.cols(), data);
    }

    private static long[] poolLabels(Batch batch) {
        long[] labels = Inputs.requireLabels(batch, "mining");
        if (batch.positivesOrNull() == null) {
            return labels;
        }
        long[] out = Arrays.copyOf(labels, 2 * labels.length);
        System.arraycopy(labels, 0, out, labels.length, labels.length);
        return out;
    }

    private static Matrix gather(Matrix x, int[] rows) {
        int d = x.cols();
        float[] out = new float[Checks.product(rows.length, d, "the mined rows", 4)];
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(x.data(), rows[t] * d, out, t * d, d);
        }
        return Matrix.of(rows.length, d, out);
    }

    private static void scatter(Matrix grad, int[] rows, int d, double[] target) {
        float[] g = grad.data();
        for (int t = 0; t < rows.length; t++) {
            for (int k = 0; k < d; k++) {
                target[rows[t] * d + k] += g[t * d + k];
            }
        }
    }

    private static Matrix toMatrix(int rows, int cols, double[] g, int fromRow) {
        float[] f = new float[rows * cols];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) g[fromRow * cols + i];
        }
        return Matrix.of(rows, cols, f);
    }

    @Override
    public String toString() {
        return "Mined{miner=" + miner.strategy() + ", loss=" + loss + "}";
    }
}
