package org.contrast4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGramSteps;
import org.contrast4j.sample.Unigram;

/**
 * One partition's work in one sub-iteration: the pairs of its stratum, on its input block and the output block it
 * owns, with the single-machine trainer's steps ({@link SkipGramSteps}). Noise words are drawn from the owned output
 * block, q_b(c) = n_c^α / Σ_{c' ∈ block} n_{c'}^α. Neg and NCE ({@link PairMaker}): a pair takes k·Q(b) of them
 * (stochastically rounded) and the noise-only records of the stratum bring the rest, so that over an epoch every
 * input occurrence gets the single-machine noise q; NCE corrects by the global log(k·q(c)). Sampled softmax takes
 * all k from the block and corrects by log(k·q_b(c)).
 */
final class StratumTrainer {
    /** The learning rate is refreshed every this many corpus words, as word2vec and the single-machine trainer. */
    static final int LR_WORDS = 10_000;
    /** The loss is computed on one pair in 16 (as the single-machine trainer), for neg, NCE, sampled softmax. */
    static final int LOSS_EVERY = 16;
    /** InfoNCE pools this many batches, shuffles them, then steps batch by batch (as the single-machine trainer). */
    static final int SHUFFLE_BATCHES = 64;
    /** The logit correction of the never-trained output row that noise-only steps name as their target. */
    static final float DUMMY_CORRECTION = -1e30f;

    private StratumTrainer() {
    }

    /**
     * Trains {@code part} on the chunks of {@code stratum}; {@code step} is the global sub-iteration index (0-based)
     * of {@code totalSteps}, for the learning-rate schedule lr = lr₀·max(1 − (step + f)/totalSteps, 10⁻⁴), f the
     * chunk's mark: the fraction of its source's words read at the last refresh (word2vec's schedule, refreshed every
     * {@value #LR_WORDS} words; at one partition it is the single-machine trainer's).
     */
    static Blocks.Part train(Settings s, Blocks.Part part, List<Blocks.Chunk> all, int stratum, long step,
                             long totalSteps, long[] counts, int partition) {
        int d = s.dimension();
        int k = s.negatives();
        List<Blocks.Chunk> chunks = new ArrayList<>();
        long pairsTotal = 0;
        for (Blocks.Chunk c : all) {
            if (c.stratum() == stratum) {
                chunks.add(c);
                pairsTotal += c.n();
            }
        }
        // sentence order within each data partition, the data partitions interleaved chunk by chunk
        chunks.sort(Comparator.comparingInt(Blocks.Chunk::seq).thenComparingInt(Blocks.Chunk::source));
        if (pairsTotal == 0) {
            return part.withStats(0, 0, 0, 0);
        }
        int v = counts.length;
        int[] inLocal = localIndex(part.inIds(), v);
        int[] outLocal = localIndex(part.outIds(), v);
        long[] blockCounts = new long[part.outIds().length];
        for (int i = 0; i < blockCounts.length; i++) {
            blockCounts[i] = counts[part.outIds()[i]];
        }
        Unigram noise = Unigram.of(blockCounts, s.noisePower());
        boolean decoupled = PairMaker.decoupled(s);
        // decoupled (neg, NCE): the noise over an epoch is the global q, so NCE corrects by log(k·q(c)); each pair
        // takes k·Q(b) samples of q_b here, the rest of its k come through the noise-only records of other strata
        double globalMass = 0;
        for (long c : counts) {
            globalMass += Math.pow(c, s.noisePower());
        }
        double blockMass = 0;
        for (long c : blockCounts) {
            blockMass += Math.pow(c, s.noisePower());
        }
        double ownNegatives = decoupled ? k * blockMass / globalMass : k;
        // one more output row, zero, never trained: the "target" of noise-only steps, its logit pushed to +∞ by
        // a correction of −10³⁰ so its gradient lr·σ(−Δ) and loss softplus(−Δ) are exactly 0 (noise-only steps run
        // the single-machine kernel unchanged)
        int dummy = blockCounts.length;
        float[] logCorrection = new float[blockCounts.length + 1];
        logCorrection[dummy] = DUMMY_CORRECTION;
        float[] negCorrection = new float[blockCounts.length + 1];
        negCorrection[dummy] = DUMMY_CORRECTION;
        for (int i = 0; i < dummy; i++) {
            logCorrection[i] = (float) Math.log(k * (decoupled ? Math.pow(blockCounts[i], s.noisePower()) / globalMass
                    : noise.probability(i)));
        }
        SplittableRandom random = new SplittableRandom(Blocks.mix(s.seed(), 0x3C, step, partition));
        SkipGramSteps steps = SkipGramSteps.of(d, k);
        float[] in = part.in();
        float[] out = decoupled ? Arrays.copyOf(part.out(), part.out().length + d) : part.out();
        Objective o = s.objective();
        double lr0 = s.learningRate();
        int[] ids = new int[k + 1];
        long records = 0;
        double lossSum = 0;
        long lossPairs = 0;
        long done = 0;
        float lr = learningRate(lr0, step, 0, totalSteps);
        // InfoNCE pool
        int bs = s.batchSize();
        int pool = o == Objective.INFONCE ? bs * SHUFFLE_BATCHES : 0;
        int[] pc = new int[pool];
        int[] px = new int[pool];
        int np = 0;
        double[] stats = new double[2];
        for (Blocks.Chunk chunk : chunks) {
            long[] pairs = chunk.pairs();
            int mark = 0;
            for (int i = 0; i < chunk.n(); i++) {
                while (mark < chunk.markAt().length && chunk.markAt()[mark] == i) {
                    lr = learningRate(lr0, step, chunk.markProgress()[mark++], totalSteps);
                }
                int q = inLocal[(int) (pairs[i] >>> 32)];
                int low = (int) pairs[i];
                if (low < 0) {
                    // a noise-only record: -low samples of q_b for input q (decoupled objectives only)
                    int count = -low;
                    if (q < 0 || !decoupled) {
                        throw new IllegalStateException("noise-only record (" + (pairs[i] >>> 32) + ", " + count
                                + ") of stratum " + stratum + " reached partition " + partition + " that cannot"
                                + " train it");
                    }
                    boolean withLoss = (records++ & (LOSS_EVERY - 1)) == 0;
                    // steps of at most k samples, as the k negatives of one pair on a single machine
                    ids[0] = dummy;
                    for (int from = 0; from < count; from += k) {
                        int m = Math.min(k, count - from);
                        for (int j = 1; j <= m; j++) {
                            ids[j] = noise.sample(random);
                        }
                        double l = steps.noiseContrast(in, q, out, ids, m + 1,
                                o == Objective.NCE ? logCorrection : negCorrection, lr, withLoss);
                        if (withLoss) {
                            lossSum += l;
                        }
                    }
                    continue;
                }
                int t = outLocal[low];
                switch (o) {
                    case NEGATIVE_SAMPLING, NCE, SAMPLED_SOFTMAX -> {
                        ids[0] = t;
                        int m = k;
                        if (decoupled) {
                            m = (int) ownNegatives;
                            if (ownNegatives > m && random.nextDouble() < ownNegatives - m) {
                                m++;
                            }
                        }
                        for (int j = 1; j <= m; j++) {
                            ids[j] = noise.sample(random);
                        }
                        boolean withLoss = (done & (LOSS_EVERY - 1)) == 0;
                        double l = o == Objective.SAMPLED_SOFTMAX
                                ? steps.sampledSoftmax(in, q, out, ids, m + 1, logCorrection, lr, withLoss)
                                : steps.noiseContrast(in, q, out, ids, m + 1,
                                        o == Objective.NCE ? logCorrection : null, lr, withLoss);
                        if (withLoss) {
                            lossSum += l;
                            lossPairs++;
                        }
                    }
                    case INFONCE -> {
                        pc[np] = q;
                        px[np++] = t;
                        if (np == pool) {
                            shuffledInfoNce(steps, in, out, pc, px, np, bs, (float) s.temperature(), lr, random,
                                    stats);
                            np = 0;
                        }
                    }
                    default -> throw new IllegalStateException("objective " + o + " is not trained distributed");
                }
                done++;
            }
        }
        if (o == Objective.INFONCE) {
            if (np > 0) {
                shuffledInfoNce(steps, in, out, pc, px, np, bs, (float) s.temperature(), lr, random, stats);
            }
            lossSum = stats[0];
            lossPairs = (long) stats[1];
        }
        if (decoupled) {
            return new Blocks.Part(part.inIds(), in, part.outIds(), Arrays.copyOf(out, out.length - d), lossSum,
                    lossPairs, done, 0);
        }
        return part.withStats(lossSum, lossPairs, done, 0);
    }

    static float learningRate(double lr0, long step, double within, long totalSteps) {
        return (float) Math.max(lr0 * (1 - (step + within) / totalSteps), lr0 * 1e-4);
    }

    private static int[] localIndex(int[] ids, int v) {
        int[] local = new int[v];
        Arrays.fill(local, -1);
        for (int i = 0; i < ids.length; i++) {
            local[ids[i]] = i;
        }
        return local;
    }

    private static void shuffledInfoNce(SkipGramSteps steps, float[] in, float[] out, int[] centers, int[] contexts,
                                        int n, int bs, float tau, float lr, SplittableRandom random, double[] stats) {
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int c = centers[i];
            centers[i] = centers[j];
            centers[j] = c;
            int x = contexts[i];
            contexts[i] = contexts[j];
            contexts[j] = x;
        }
        for (int from = 0; from + 1 < n; from += bs) {
            int m = Math.min(bs, n - from);
            if (m < 2) {
                break;
            }
            steps.infoNce(in, out, Arrays.copyOfRange(centers, from, from + m),
                    Arrays.copyOfRange(contexts, from, from + m), m, tau, lr, stats);
        }
    }
}
