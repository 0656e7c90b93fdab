package org.contrast4j.embed;

import java.util.concurrent.atomic.AtomicLong;
import org.contrast4j.sample.Unigram;

/**
 * One Hogwild thread of one epoch: walks its shard of sentences, subsamples, draws the dynamic windows and the noise,
 * and calls the {@link SkipGramKernels} step of the objective on the shared tables (word2vec.c's
 * {@code TrainModelThread}).
 */
final class SkipGramWorker implements Runnable {
    /** How often (in corpus words) a thread publishes its progress and refreshes its learning rate (word2vec). */
    static final int PROGRESS_WORDS = 10_000;
    /** The loss is computed for one pair in this many (the per-pair objectives), an unbiased estimate of the mean. */
    static final int LOSS_EVERY = 16;
    /**
     * InfoNCE collects this many batches of pairs, shuffles them and then steps batch by batch, so that a batch's
     * negatives come from many sentences, not from the neighbourhood of its own pairs (consecutive pairs share a
     * topic, and would be pushed apart as negatives).
     */
    static final int SHUFFLE_BATCHES = 64;

    private final SkipGram config;
    private final Objective objective;
    private final float[] in;
    private final float[] out;
    private final int v;
    private final int[] tokens;
    private final int[] starts;
    private final int firstSentence;
    private final int endSentence;
    private final float[] keep;
    private final Unigram noise;
    private final float[] logCorrection;
    private final TrainerRandom random;
    private final AtomicLong progress;
    private final double totalWords;
    private final SkipGramKernels kernels;

    // results
    double lossSum;
    long lossPairs;
    long pairs;
    Throwable failure;

    SkipGramWorker(SkipGramTraining t, int firstSentence, int endSentence, TrainerRandom random, AtomicLong progress) {
        this.config = t.config();
        this.objective = config.objective();
        this.in = t.in;
        this.out = t.out;
        this.v = t.vocabulary().size();
        this.tokens = t.corpus.tokenArray();
        this.starts = t.corpus.startArray();
        this.firstSentence = firstSentence;
        this.endSentence = endSentence;
        this.keep = t.keep;
        this.noise = t.noise;
        this.logCorrection = t.logCorrection;
        this.random = random;
        this.progress = progress;
        this.totalWords = (double) config.epochs() * t.corpus.tokens() + 1;
        this.kernels = new SkipGramKernels(SkipGramMath.active(), config.dimension(), config.negatives() + 1);
    }

    private float learningRate(long done) {
        double lr0 = config.learningRate();
        return (float) Math.max(lr0 * (1 - done / totalWords), lr0 * 1e-4);
    }

    @Override
    public void run() {
        try {
            train();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void train() {
        int window = config.window();
        int k = config.negatives();
        int bs = config.batchSize();
        int[] sen = new int[SkipGramCorpus.MAX_SENTENCE];
        int[] ids = new int[k + 1];
        // batches
        int pool = objective == Objective.INFONCE ? bs * SHUFFLE_BATCHES : bs;
        int[] bCenters = new int[pool];
        int[] bContexts = new int[objective == Objective.SOFTMAX ? bs * 2 * window : pool];
        int[] sCenters = objective == Objective.INFONCE ? new int[bs] : null;
        int[] sContexts = objective == Objective.INFONCE ? new int[bs] : null;
        int[] bStarts = new int[bs + 1];
        int nb = 0;
        int nctx = 0;
        double[] stats = new double[2];

        long local = 0;
        float lr = learningRate(progress.get());
        for (int s = firstSentence; s < endSentence; s++) {
            int n = 0;
            for (int t = starts[s]; t < starts[s + 1]; t++) {
                int w = tokens[t];
                float pk = keep[w];
                if (pk < 1f && pk < random.nextFloat()) {
                    continue;
                }
                sen[n++] = w;
            }
            for (int pos = 0; pos < n; pos++) {
                int reach = 1 + random.nextInt(window);
                int center = sen[pos];
                int lo = Math.max(0, pos - reach);
                int hi = Math.min(n - 1, pos + reach);
                switch (objective) {
                    case NEGATIVE_SAMPLING, NCE, SAMPLED_SOFTMAX -> {
                        for (int c = lo; c <= hi; c++) {
                            if (c == pos) {
                                continue;
                            }
                            ids[0] = center;
                            for (int j = 1; j <= k; j++) {
                                ids[j] = noise.sample(random);
                            }
                            boolean withLoss = (pairs++ & (LOSS_EVERY - 1)) == 0;
                            double l;
                            if (objective == Objective.SAMPLED_SOFTMAX) {
                                l = kernels.sampledSoftmax(in, sen[c], out, ids, k + 1, logCorrection, lr, withLoss);
                            } else {
                                l = kernels.noiseContrast(in, sen[c], out, ids, k + 1,
                                        objective == Objective.NCE ? logCorrection : null,
                                        objective == Objective.NEGATIVE_SAMPLING, lr, withLoss);
                            }
                            if (withLoss) {
                                lossSum += l;
                                lossPairs++;
                            }
                        }
                    }
                    case INFONCE -> {
                        for (int c = lo; c <= hi; c++) {
                            if (c == pos) {
                                continue;
                            }
                            bCenters[nb] = center;
                            bContexts[nb++] = sen[c];
                            pairs++;
                            if (nb == pool) {
                                shuffledInfoNce(bCenters, bContexts, nb, sCenters, sContexts, lr, stats);
                                nb = 0;
                            }
                        }
                    }
                    case SOFTMAX -> {
                        if (hi > lo) {
                            bCenters[nb] = center;
                            bStarts[nb] = nctx;
                            for (int c = lo; c <= hi; c++) {
                                if (c != pos) {
                                    bContexts[nctx++] = sen[c];
                                }
                            }
                            nb++;
                            if (nb == bs) {
                                bStarts[nb] = nctx;
                                lossSum += kernels.softmax(in, out, v, bCenters, nb, bStarts, bContexts, lr);
                                lossPairs += nctx;
                                pairs += nctx;
                                nb = 0;
                                nctx = 0;
                            }
                        }
                    }
                    default -> throw new IllegalStateException("objective " + objective);
                }
            }
            local += starts[s + 1] - starts[s];
            if (local >= PROGRESS_WORDS) {
                lr = learningRate(progress.addAndGet(local));
                local = 0;
            }
        }
        if (objective == Objective.INFONCE && nb > 0) {
            shuffledInfoNce(bCenters, bContexts, nb, sCenters, sContexts, lr, stats);
        } else if (objective == Objective.SOFTMAX && nb > 0) {
            bStarts[nb] = nctx;
            lossSum += kernels.softmax(in, out, v, bCenters, nb, bStarts, bContexts, lr);
            lossPairs += nctx;
            pairs += nctx;
        }
        if (objective == Objective.INFONCE) {
            lossSum += stats[0];
            lossPairs += (long) stats[1];
        }
        progress.addAndGet(local);
    }

    /** Shuffles the n pooled pairs (Fisher–Yates, this thread's stream) and steps on them B at a time. */
    private void shuffledInfoNce(int[] centers, int[] contexts, int n, int[] sc, int[] sx, float lr, double[] stats) {
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int c = centers[i];
            centers[i] = centers[j];
            centers[j] = c;
            int x = contexts[i];
            contexts[i] = contexts[j];
            contexts[j] = x;
        }
        int bs = config.batchSize();
        for (int from = 0; from + 1 < n; from += bs) {
            int m = Math.min(bs, n - from);
            if (m < 2) {
                break;
            }
            int[] bc = m == bs ? sc : new int[m];
            int[] bx = m == bs ? sx : new int[m];
            System.arraycopy(centers, from, bc, 0, m);
            System.arraycopy(contexts, from, bx, 0, m);
            kernels.infoNce(in, out, bc, bx, m, (float) config.temperature(), lr, stats);
        }
    }
}
