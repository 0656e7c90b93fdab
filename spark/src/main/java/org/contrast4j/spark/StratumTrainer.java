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
 * owns, with the single-machine trainer's steps ({@link SkipGramSteps}). Block-local noise: each pair's k noise words
 * are drawn from the output block the partition owns, q_b(c) = n_c^α / Σ_{c' ∈ b} n_{c'}^α, and NCE and sampled
 * softmax correct their logits by the log(k·q_b(c)) that this sampling implies ({@link BlockNoise}). The pair step
 * draws k noise words per pair; the shared step ({@link Settings#sharedStep()}) k per group of one window's pairs.
 */
final class StratumTrainer {
    /** The learning rate is refreshed every this many corpus words, as word2vec and the single-machine trainer. */
    static final int LR_WORDS = 10_000;
    /** The loss is computed on one pair in 16 (as the single-machine trainer), for neg, NCE, sampled softmax. */
    static final int LOSS_EVERY = 16;
    /** InfoNCE pools this many batches, shuffles them, then steps batch by batch (as the single-machine trainer). */
    static final int SHUFFLE_BATCHES = 64;

    private StratumTrainer() {
    }

    /**
     * The noise of one output block: a sampler of q_b(c) = n_c^α / Σ_{c' ∈ b} n_{c'}^α over the block's local
     * indices, and the logit correction log(k·q_b(c)) of NCE and sampled softmax for every word of the block.
     */
    record BlockNoise(Unigram sampler, float[] logCorrection) {
        /** The noise of the block holding the words {@code outIds}, {@code counts} indexed by word id. */
        static BlockNoise of(long[] counts, int[] outIds, double alpha, int k) {
            long[] blockCounts = new long[outIds.length];
            for (int i = 0; i < blockCounts.length; i++) {
                blockCounts[i] = counts[outIds[i]];
            }
            Unigram sampler = Unigram.of(blockCounts, alpha);
            float[] logCorrection = new float[blockCounts.length];
            for (int i = 0; i < logCorrection.length; i++) {
                logCorrection[i] = (float) Math.log(k * sampler.probability(i));
            }
            return new BlockNoise(sampler, logCorrection);
        }
    }

    /**
     * Trains {@code part} on the chunks of {@code stratum}; {@code step} is the global sub-iteration index (0-based)
     * of {@code totalSteps}, for the learning-rate schedule lr = lr₀·max(1 − (step + f)/totalSteps, 10⁻⁴), f the
     * chunk's mark: the fraction of its source's words read at the last refresh (word2vec's schedule, refreshed every
     * {@value #LR_WORDS} words; at one partition it is the single-machine trainer's).
     */
    static Blocks.Part train(Settings s, Blocks.Part part, List<int[]> all, int stratum, long step,
                             long totalSteps, long[] counts, int partition) {
        int d = s.dimension();
        int k = s.negatives();
        List<int[]> chunks = new ArrayList<>();
        long pairsTotal = 0;
        for (int[] c : all) {
            if (Blocks.Chunk.stratum(c) == stratum) {
                chunks.add(c);
                pairsTotal += Blocks.Chunk.pairs(c);
            }
        }
        // sentence order within each data partition, the data partitions interleaved chunk by chunk
        chunks.sort(Comparator.comparingInt(Blocks.Chunk::seq).thenComparingInt(Blocks.Chunk::source));
        if (pairsTotal == 0) {
            return part;
        }
        int v = counts.length;
        int[] inLocal = localIndex(part.inIds(), v);
        int[] outLocal = localIndex(part.outIds(), v);
        BlockNoise blockNoise = BlockNoise.of(counts, part.outIds(), s.noisePower(), k);
        Unigram noise = blockNoise.sampler();
        float[] logCorrection = blockNoise.logCorrection();
        SplittableRandom random = new SplittableRandom(Blocks.mix(s.seed(), 0x3C, step, partition));
        SkipGramSteps steps = SkipGramSteps.of(d, k);
        float[] in = part.in();
        float[] out = part.out();
        Objective o = s.objective();
        double lr0 = s.learningRate();
        int[] ids = new int[k + 1];
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
        if (s.sharedStep()) {
            SkipGramSteps.warmUp();   // ends at once when done while the corpus was encoded
            long trained = trainShared(s, chunks, stratum, partition, step, totalSteps, inLocal, outLocal, blockNoise,
                    random, steps, in, out, stats);
            return part.plusStats(stats[0], (long) stats[1], trained);
        }
        for (int[] chunk : chunks) {
            int marks = Blocks.Chunk.marks(chunk);
            int mark = 0;
            int i = 0;   // the pair's index in the chunk
            int center = 0;
            int t = -1;
            for (int at = Blocks.Chunk.groupsFrom(chunk); at < chunk.length; at++) {
                if (chunk[at] < 0) {
                    center = ~chunk[at];
                    t = outLocal[center];
                    continue;
                }
                while (mark < marks && Blocks.Chunk.markAt(chunk, mark) <= i) {
                    lr = learningRate(lr0, step, Blocks.Chunk.markProgress(chunk, mark++), totalSteps);
                }
                int q = inLocal[chunk[at]];
                if (q < 0 || t < 0) {
                    throw notOwned(chunk[at], center, stratum, partition);
                }
                switch (o) {
                    case NEGATIVE_SAMPLING, NCE, SAMPLED_SOFTMAX -> {
                        ids[0] = t;
                        for (int j = 1; j <= k; j++) {
                            ids[j] = noise.sample(random);
                        }
                        boolean withLoss = (done & (LOSS_EVERY - 1)) == 0;
                        double l = o == Objective.SAMPLED_SOFTMAX
                                ? steps.sampledSoftmax(in, q, out, ids, k + 1, logCorrection, lr, withLoss)
                                : steps.noiseContrast(in, q, out, ids, k + 1,
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
                i++;
            }
        }
        if (o == Objective.INFONCE) {
            if (np > 0) {
                shuffledInfoNce(steps, in, out, pc, px, np, bs, (float) s.temperature(), lr, random, stats);
            }
            lossSum = stats[0];
            lossPairs = (long) stats[1];
        }
        return part.plusStats(lossSum, lossPairs, done);
    }

    private static IllegalStateException notOwned(int context, int center, int stratum, int partition) {
        return new IllegalStateException("pair (" + context + ", " + center + ") of stratum " + stratum
                + " reached partition " + partition + " that does not own it");
    }

    /**
     * The shared step (pWord2Vec's, as {@link org.contrast4j.embed.SkipGram.Step#SHARED}): each group of a chunk
     * (the pairs of one window whose context words lie in this partition's input block, filed in a row by {@link
     * PairMaker} after the center, {@link Blocks.Chunk}) is one SGD step on the group's summed loss: its m
     * context rows against the center and k noise words drawn once for the group from the block's noise q_b, with
     * the correction log(k·q_b) for NCE and sampled softmax. The loss is computed on one group in {@value
     * #LOSS_EVERY}; {@code stats} gets the loss and the pairs it covers; returns the pairs trained.
     */
    private static long trainShared(Settings s, List<int[]> chunks, int stratum, int partition, long step,
                                    long totalSteps, int[] inLocal, int[] outLocal, BlockNoise blockNoise,
                                    SplittableRandom random, SkipGramSteps steps, float[] in, float[] out,
                                    double[] stats) {
        Shared run = new Shared(s, stratum, partition, inLocal, outLocal, blockNoise, random, steps, in, out);
        double lr0 = s.learningRate();
        run.lr = learningRate(lr0, step, 0, totalSteps);
        for (int[] chunk : chunks) {
            int marks = Blocks.Chunk.marks(chunk);
            int mark = 0;
            int i = 0;   // the group's first pair's index in the chunk
            int at = Blocks.Chunk.groupsFrom(chunk);
            while (at < chunk.length) {
                while (mark < marks && Blocks.Chunk.markAt(chunk, mark) <= i) {
                    run.lr = learningRate(lr0, step, Blocks.Chunk.markProgress(chunk, mark++), totalSteps);
                }
                int next = run.group(chunk, at);
                i += next - at - 1;
                at = next;
            }
        }
        stats[0] += run.lossSum;
        stats[1] += run.lossPairs;
        return run.done;
    }

    /**
     * The shared step's state over one stratum, group by group (a method called per group is compiled by the JIT
     * after a few hundred groups, where one loop over the stratum waited for an on-stack replacement).
     */
    private static final class Shared {
        private final int k;
        private final Objective o;
        private final int stratum;
        private final int partition;
        private final int[] inLocal;
        private final int[] outLocal;
        private final Unigram noise;
        private final float[] logCorrection;
        private final float[] nceCorrection;
        private final SplittableRandom random;
        private final SkipGramSteps steps;
        private final float[] in;
        private final float[] out;
        private final int[] ids;
        private int[] contexts;
        float lr;
        long groups;
        long done;
        double lossSum;
        long lossPairs;

        Shared(Settings s, int stratum, int partition, int[] inLocal, int[] outLocal, BlockNoise blockNoise,
               SplittableRandom random, SkipGramSteps steps, float[] in, float[] out) {
            k = s.negatives();
            o = s.objective();
            this.stratum = stratum;
            this.partition = partition;
            this.inLocal = inLocal;
            this.outLocal = outLocal;
            noise = blockNoise.sampler();
            logCorrection = blockNoise.logCorrection();
            nceCorrection = o == Objective.NCE ? logCorrection : null;
            this.random = random;
            this.steps = steps;
            this.in = in;
            this.out = out;
            ids = new int[k + 1];
            contexts = new int[Math.max(1, 2 * s.window())];
        }

        /** Trains the group whose header is {@code chunk[at]}; returns where the next group starts. */
        int group(int[] chunk, int at) {
            int center = ~chunk[at];
            if (center < 0) {
                throw new IllegalStateException("chunk " + Blocks.Chunk.seq(chunk) + " (source "
                        + Blocks.Chunk.source(chunk) + ") has no group header at " + at);
            }
            int from = at + 1;
            int j = from;
            while (j < chunk.length && chunk[j] >= 0) {
                j++;
            }
            int m = j - from;
            if (contexts.length < m) {
                contexts = new int[m];
            }
            int t = outLocal[center];
            for (int r = 0; r < m; r++) {
                int q = inLocal[chunk[from + r]];
                if (q < 0 || t < 0) {
                    throw notOwned(chunk[from + r], center, stratum, partition);
                }
                contexts[r] = q;
            }
            ids[0] = t;
            for (int x = 1; x <= k; x++) {
                ids[x] = noise.sample(random);
            }
            boolean withLoss = (groups++ & (LOSS_EVERY - 1)) == 0;
            double l = o == Objective.SAMPLED_SOFTMAX
                    ? steps.sharedSampledSoftmax(in, contexts, m, out, ids, k + 1, logCorrection, lr, withLoss)
                    : steps.sharedNoiseContrast(in, contexts, m, out, ids, k + 1, nceCorrection, lr, withLoss);
            if (withLoss) {
                lossSum += l;
                lossPairs += m;
            }
            done += m;
            return j;
        }
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
