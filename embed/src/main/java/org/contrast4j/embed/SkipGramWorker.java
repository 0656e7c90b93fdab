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
     * InfoNCE collects this many batches of pairs, shuffles them window by window (a center's pairs stay together) and
     * then steps batch by batch, so that a batch's negatives come from many sentences, not from the neighbourhood of
     * its own pairs (consecutive windows share a topic, and would be pushed apart as negatives).
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
    private int[] order = new int[0];
    private final int[] batchCenters;
    private final int[] batchContexts;

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
        this.batchCenters = new int[objective == Objective.INFONCE ? config.batchSize() : 0];
        this.batchContexts = new int[batchCenters.length];
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
        int maxReach = config.window();
        int k = config.negatives();
        boolean shared = config.step() == SkipGram.Step.SHARED;
        int[] window = new int[2 * maxReach];
        long blocks = 0;
        int bs = config.batchSize();
        int[] sen = new int[SkipGramCorpus.MAX_SENTENCE];
        int[] ids = new int[k + 1];
        // batches
        int pool = objective == Objective.INFONCE ? bs * SHUFFLE_BATCHES : bs;
        boolean infoNce = objective == Objective.INFONCE;
        int poolCap = infoNce ? pool + 2 * maxReach : pool;
        int[] bCenters = new int[poolCap];
        int[] bContexts = new int[objective == Objective.SOFTMAX ? bs * 2 * maxReach : poolCap];
        int[] winStarts = new int[infoNce ? poolCap + 1 : 0];
        int nw = 0;
        int[] sCenters = infoNce ? new int[poolCap] : null;
        int[] sContexts = infoNce ? new int[poolCap] : null;
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
                int reach = 1 + random.nextInt(maxReach);
                int center = sen[pos];
                int lo = Math.max(0, pos - reach);
                int hi = Math.min(n - 1, pos + reach);
                switch (objective) {
                    case NEGATIVE_SAMPLING, NCE, SAMPLED_SOFTMAX -> {
                        if (shared) {
                            int m = 0;
                            for (int c = lo; c <= hi; c++) {
                                if (c != pos) {
                                    window[m++] = sen[c];
                                }
                            }
                            if (m == 0) {
                                continue;
                            }
                            ids[0] = center;
                            for (int j = 1; j <= k; j++) {
                                ids[j] = noise.sample(random);
                            }
                            boolean withLoss = (blocks++ & (LOSS_EVERY - 1)) == 0;
                            pairs += m;
                            double l;
                            if (objective == Objective.SAMPLED_SOFTMAX) {
                                l = kernels.sharedSampledSoftmax(in, window, m, out, ids, k + 1, logCorrection, lr,
                                        withLoss);
                            } else {
                                l = kernels.sharedNoiseContrast(in, window, m, out, ids, k + 1,
                                        objective == Objective.NCE ? logCorrection : null,
                                        objective == Objective.NEGATIVE_SAMPLING, lr, withLoss);
                            }
                            if (withLoss) {
                                lossSum += l;
                                lossPairs += m;
                            }
                            continue;
                        }
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
                        if (hi > lo) {
                            winStarts[nw++] = nb;
                            for (int c = lo; c <= hi; c++) {
                                if (c != pos) {
                                    bCenters[nb] = center;
                                    bContexts[nb++] = sen[c];
                                    pairs++;
                                }
                            }
                            if (nb >= pool) {
                                nb = shuffledInfoNce(bCenters, bContexts, nb, winStarts, nw, sCenters, sContexts,
                                        false, lr, stats);
                                nw = nb > 0 ? 1 : 0;
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
            shuffledInfoNce(bCenters, bContexts, nb, winStarts, nw, sCenters, sContexts, true, lr, stats);
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

    /**
     * Shuffles the nw pooled windows (a center's pairs stay together; Fisher–Yates on this thread's stream) and steps
     * on the pairs B at a time, so a batch holds about B / (pairs per window) windows of many sentences and
     * {@link SkipGramKernels#infoNce} computes one logit row per distinct center. The pairs of a last incomplete batch
     * are moved to the front of the pool and returned as one window (their count is returned), unless {@code last}:
     * then they are a smaller batch of their own (when at least 2).
     */
    private int shuffledInfoNce(int[] centers, int[] contexts, int n, int[] winStarts, int nw, int[] sc, int[] sx,
                                boolean last, float lr, double[] stats) {
        winStarts[nw] = n;
        int[] order = this.order.length >= nw ? this.order : (this.order = new int[winStarts.length]);
        for (int w = 0; w < nw; w++) {
            order[w] = w;
        }
        for (int i = nw - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int m = 0;
        for (int w = 0; w < nw; w++) {
            int from = winStarts[order[w]];
            int len = winStarts[order[w] + 1] - from;
            System.arraycopy(centers, from, sc, m, len);
            System.arraycopy(contexts, from, sx, m, len);
            m += len;
        }
        int bs = config.batchSize();
        float tau = (float) config.temperature();
        int from = 0;
        for (; from + bs <= m; from += bs) {
            if (from == 0) {
                kernels.infoNce(in, out, sc, sx, bs, tau, lr, stats);
            } else {
                System.arraycopy(sc, from, batchCenters, 0, bs);
                System.arraycopy(sx, from, batchContexts, 0, bs);
                kernels.infoNce(in, out, batchCenters, batchContexts, bs, tau, lr, stats);
            }
        }
        int rest = m - from;
        if (last) {
            if (rest >= 2) {
                System.arraycopy(sc, from, batchCenters, 0, rest);
                System.arraycopy(sx, from, batchContexts, 0, rest);
                kernels.infoNce(in, out, batchCenters, batchContexts, rest, tau, lr, stats);
            }
            return 0;
        }
        System.arraycopy(sc, from, centers, 0, rest);
        System.arraycopy(sx, from, contexts, 0, rest);
        winStarts[0] = 0;
        return rest;
    }
}
