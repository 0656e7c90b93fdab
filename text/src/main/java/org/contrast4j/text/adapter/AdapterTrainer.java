package org.contrast4j.text.adapter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.contrast4j.internal.Checks;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.InfoNce;
import org.contrast4j.loss.Matryoshka;
import org.contrast4j.retrieval.HardNegativeMiner;
import org.contrast4j.similarity.Similarity;

/**
 * Trains an {@link Adapter} on frozen query and document embeddings ({@link Pairs}) with the symmetric InfoNCE / CLIP
 * loss of core ({@link InfoNce}: Radford et al. 2021; sentence-transformers' MultipleNegativesRankingLoss made
 * symmetric), the adapter's gradient back-propagated exactly from the loss's input gradients.
 *
 * <p>Each step takes a minibatch of N pairs (q_i, d_i), maps them through the query and document towers (y = f(x),
 * not yet normalised: the cosine loss normalises, and its gradient is with respect to y) and minimises
 * <pre>
 *   L = ½ · (1/N) Σ_i [ −s(q_i, d_i)/τ + log Σ_{c ∈ C(i)} e^{s(q_i, c)/τ} ]
 *     + ½ · (1/N) Σ_i [ −s(d_i, q_i)/τ + log Σ_{j ∈ C'(i)} e^{s(d_i, q_j)/τ} ]
 * </pre>
 * with s the cosine, C(i) every in-batch document and the batch's pooled negatives, C'(i) every in-batch query, and
 * τ learnable (its log, by Adam, clamped at τ ≥ 0.01 as CLIP's logit scale ≤ 100). Options:
 * <ul>
 *   <li><b>id masking</b> (always): the labels of the batch are the documents' corpus rows, so a document that answers
 *       two queries of a batch is not a negative of either ({@link org.contrast4j.loss.Batch} labels);</li>
 *   <li><b>explicit negatives</b> ({@link Pairs} from a triplet file) and <b>mined hard negatives</b>
 *       ({@link #hardNegatives(HardNegativeMiner, Mining)}: the core miner over the training corpus, with the current
 *       adapter at the start of every epoch, or once with the frozen embeddings): the negatives of the batch's queries
 *       are pooled, each row once, as shared negatives of every query (as sentence-transformers' MNRL does), a pooled
 *       row equal to a query's own positive masked by its label;</li>
 *   <li><b>GIST filtering</b> ({@link #gist(boolean)}, Solatorio 2024): the frozen embeddings are the guide, and an
 *       in-batch candidate the frozen encoder scores above the positive minus the margin is dropped as a false
 *       negative ({@link InfoNce.Builder#guideMargin});</li>
 *   <li><b>Matryoshka</b> ({@link #matryoshkaDims}, Kusupati et al. 2022): the loss summed over the prefixes of the
 *       adapter's output ({@link Matryoshka}).</li>
 * </ul>
 * Optimiser: {@link org.contrast4j.optim.Adam} on all weights and on log τ. Minibatches are a seeded permutation per
 * epoch (the same for a seed and epoch on every run). After each epoch the adapter is evaluated on the validation
 * pairs ({@link RetrievalScores}: recall@1, then MRR@10, from one exact search); the best epoch's adapter is kept
 * ({@link AdapterTraining#best()}), and training stops early after {@link #patience} epochs without improvement.
 *
 * <p>Defaults: linear, one tower per side, D' = D, hidden H = D (MLP), 10 epochs, batch 128, learning rate 10⁻³, seed 0,
 * τ = 0.05 learnable, no mined negatives, no GIST (margin 0 when on), no Matryoshka, patience 3, one worker thread
 * per processor. A run is deterministic for a seed and a thread count, and a resumed run is bit-identical to an
 * uninterrupted one ({@link AdapterTraining#checkpoint}).
 * <pre>{@code
 * AdapterTraining run = AdapterTrainer.builder().kind(AdapterKind.LINEAR).epochs(20).build().start(train, valid);
 * while (!run.done()) { run.runEpoch(); run.checkpoint(dir.resolve("checkpoint.bin")); }
 * run.best().save(dir);
 * }</pre>
 */
public final class AdapterTrainer {
    /** When mined hard negatives are mined. */
    public enum Mining {
        /** Once, from the frozen embeddings (the adapter's initial identity), before the first epoch. */
        FIXED,
        /** At the start of every epoch, with the current adapter. */
        PER_EPOCH
    }

    /** The largest logit scale 1/τ (CLIP's clamp). */
    static final double MAX_LOGIT_SCALE = 100;

    final AdapterKind kind;
    final int outputDimension;
    final int hidden;
    final boolean shared;
    final int epochs;
    final int batchSize;
    final double learningRate;
    final long seed;
    final double temperature;
    final boolean learnableTemperature;
    final HardNegativeMiner miner;
    final Mining mining;
    final boolean gist;
    final double gistMargin;
    final int[] matryoshka;
    final int patience;
    final int threads;

    private AdapterTrainer(Builder b) {
        this.kind = b.kind;
        this.outputDimension = b.outputDimension;
        this.hidden = b.hidden;
        this.shared = b.shared;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.seed = b.seed;
        this.temperature = b.temperature;
        this.learnableTemperature = b.learnableTemperature;
        this.miner = b.miner;
        this.mining = b.mining;
        this.gist = b.gist;
        this.gistMargin = b.gistMargin;
        this.matryoshka = b.matryoshka == null ? null : b.matryoshka.clone();
        this.patience = b.patience;
        this.threads = b.threads;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a run: the initial adapter (the identity), evaluated on {@code valid} as epoch 0.
     *
     * @throws IllegalArgumentException if the pairs' dimensions differ, there are fewer than 2 training pairs, an
     *     MLP is asked for an output dimension other than D, or a Matryoshka dimension exceeds the output dimension
     */
    public AdapterTraining start(Pairs train, Pairs valid) {
        return AdapterTraining.start(this, train, valid);
    }

    /**
     * Continues a run from a checkpoint written by {@link AdapterTraining#checkpoint} with the same data and settings
     * (the number of epochs and the patience may differ).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a checkpoint, is corrupt, or was written with other data or
     *     settings (naming the difference)
     */
    public AdapterTraining resume(Path checkpoint, Pairs train, Pairs valid) throws IOException {
        return AdapterTraining.resume(this, checkpoint, train, valid);
    }

    /** The loss at temperature {@code tau}: symmetric InfoNCE, cosine, optionally Matryoshka. */
    ContrastiveLoss loss(double tau) {
        InfoNce inner = InfoNce.builder().symmetric(true).similarity(Similarity.COSINE).temperature(tau)
                .learnableTemperature(learnableTemperature).maxLogitScale(MAX_LOGIT_SCALE).guideMargin(gistMargin)
                .threads(threads).build();
        return matryoshka == null ? inner : Matryoshka.of(inner).dims(matryoshka).build();
    }

    /**
     * The settings a checkpoint must share with the trainer that resumes it (everything but the epochs, patience and
     * threads).
     */
    String settingsKey(int inputDimension) {
        return "kind=" + kind.key() + ", input=" + inputDimension + ", output=" + outputDimension(inputDimension)
                + ", hidden=" + hidden(inputDimension) + ", shared=" + shared + ", batchSize=" + batchSize
                + ", learningRate=" + learningRate + ", seed=" + seed + ", temperature=" + temperature
                + ", learnableTemperature=" + learnableTemperature + ", hardNegatives="
                + (miner == null ? "none" : miner + " " + mining) + ", gist=" + (gist ? "margin " + gistMargin : "off")
                + ", matryoshka=" + (matryoshka == null ? "none" : Arrays.toString(matryoshka));
    }

    int outputDimension(int inputDimension) {
        return outputDimension == 0 ? inputDimension : outputDimension;
    }

    int hidden(int inputDimension) {
        return kind == AdapterKind.LINEAR ? 0 : hidden == 0 ? inputDimension : hidden;
    }

    public AdapterKind kind() {
        return kind;
    }

    public boolean shared() {
        return shared;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public long seed() {
        return seed;
    }

    /** The initial temperature τ. */
    public double temperature() {
        return temperature;
    }

    public boolean learnableTemperature() {
        return learnableTemperature;
    }

    /** The miner of hard negatives, or null when none are mined. */
    public HardNegativeMiner miner() {
        return miner;
    }

    public Mining mining() {
        return mining;
    }

    public boolean gist() {
        return gist;
    }

    public double gistMargin() {
        return gistMargin;
    }

    /** A copy of the Matryoshka dimensions, or null. */
    public int[] matryoshkaDims() {
        return matryoshka == null ? null : matryoshka.clone();
    }

    public int patience() {
        return patience;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "AdapterTrainer{kind=" + kind + (outputDimension == 0 ? "" : ", outputDimension=" + outputDimension)
                + (kind == AdapterKind.MLP ? ", hidden=" + (hidden == 0 ? "D" : hidden) : "") + ", shared=" + shared
                + ", epochs=" + epochs + ", batchSize=" + batchSize + ", learningRate=" + learningRate + ", seed="
                + seed + ", temperature=" + temperature + ", learnableTemperature=" + learnableTemperature
                + (miner == null ? "" : ", hardNegatives=" + miner + ", mining=" + mining)
                + (gist ? ", gistMargin=" + gistMargin : "")
                + (matryoshka == null ? "" : ", matryoshkaDims=" + Arrays.toString(matryoshka))
                + ", patience=" + patience + ", threads=" + threads + "}";
    }

    /** Builds an {@link AdapterTrainer}; every setter validates its argument at once. */
    public static final class Builder {
        private AdapterKind kind = AdapterKind.LINEAR;
        private int outputDimension;
        private int hidden;
        private boolean shared;
        private int epochs = 10;
        private int batchSize = 128;
        private double learningRate = 1e-3;
        private long seed;
        private double temperature = 0.05;
        private boolean learnableTemperature = true;
        private HardNegativeMiner miner;
        private Mining mining = Mining.PER_EPOCH;
        private boolean gist;
        private double gistMargin;
        private int[] matryoshka;
        private int patience = 3;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {
        }

        /** LINEAR (default) or MLP. */
        public Builder kind(AdapterKind kind) {
            this.kind = Checks.notNull(kind, "kind");
            return this;
        }

        /** D' ≥ 1 of a linear adapter (default: D, the identity start). An MLP's is always D. */
        public Builder outputDimension(int outputDimension) {
            this.outputDimension = Checks.atLeast(outputDimension, 1, "outputDimension");
            return this;
        }

        /** Hidden units H ≥ 1 of an MLP tower (default: D). */
        public Builder hidden(int hidden) {
            this.hidden = Checks.atLeast(hidden, 1, "hidden");
            return this;
        }

        /** One tower for queries and documents (default false: one each). */
        public Builder shared(boolean shared) {
            this.shared = shared;
            return this;
        }

        /** Epochs ≥ 1 (default 10): the most a run trains, early stopping aside. */
        public Builder epochs(int epochs) {
            this.epochs = Checks.atLeast(epochs, 1, "epochs");
            return this;
        }

        /**
         * Pairs per minibatch ≥ 2 (default 128). An epoch has ⌈N / size⌉ batches of balanced sizes (never fewer than
         * 2 pairs).
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.atLeast(batchSize, 2, "batchSize");
            return this;
        }

        /** Adam's step size &gt; 0 and finite (default 10⁻³). */
        public Builder learningRate(double learningRate) {
            this.learningRate = Checks.positive(learningRate, "learningRate");
            return this;
        }

        /** The seed of the shuffles and of an MLP's initial weights (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The initial τ in [0.01, 10] (default 0.05, sentence-transformers' scale 20). */
        public Builder temperature(double tau) {
            Checks.argument(tau >= 1 / MAX_LOGIT_SCALE && tau <= 10, "temperature must be in [0.01, 10], was %s", tau);
            this.temperature = tau;
            return this;
        }

        /** Whether τ is learned (default true). */
        public Builder learnableTemperature(boolean learnable) {
            this.learnableTemperature = learnable;
            return this;
        }

        /** Mined hard negatives from {@code miner} (null: none, the default), refreshed as {@code mining} says. */
        public Builder hardNegatives(HardNegativeMiner miner, Mining mining) {
            this.miner = miner;
            this.mining = Checks.notNull(mining, "mining");
            return this;
        }

        /** GISTEmbed filtering with the frozen embeddings as the guide (default false). */
        public Builder gist(boolean gist) {
            this.gist = gist;
            return this;
        }

        /** GISTEmbed's margin m ≥ 0 (default 0); used with {@link #gist(boolean)}. */
        public Builder gistMargin(double margin) {
            this.gistMargin = Checks.nonNegative(margin, "gistMargin");
            return this;
        }

        /** Matryoshka prefix dimensions, strictly ascending, each ≥ 1 (null or none: plain loss). */
        public Builder matryoshkaDims(int... dims) {
            if (dims == null || dims.length == 0) {
                this.matryoshka = null;
                return this;
            }
            Matryoshka.of(InfoNce.builder().build()).dims(dims).build(); // validates: ascending, ≥ 1
            this.matryoshka = dims.clone();
            return this;
        }

        /** Epochs without a better validation recall@1 before stopping, ≥ 1; 0 never stops early (default 3). */
        public Builder patience(int patience) {
            this.patience = Checks.atLeast(patience, 0, "patience");
            return this;
        }

        /** Worker threads of the loss, the searches and the miner's search ≥ 1 (default: one per processor). */
        public Builder threads(int threads) {
            this.threads = Checks.atLeast(threads, 1, "threads");
            return this;
        }

        public AdapterTrainer build() {
            Checks.argument(kind == AdapterKind.LINEAR || outputDimension == 0,
                    "an MLP adapter is residual: its output dimension is its input's, so outputDimension (%d) "
                            + "applies to linear adapters only", outputDimension);
            return new AdapterTrainer(this);
        }
    }
}
