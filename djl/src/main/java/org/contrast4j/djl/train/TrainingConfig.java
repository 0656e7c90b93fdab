package org.contrast4j.djl.train;

import org.contrast4j.internal.Checks;
import org.contrast4j.djl.data.SimClrAugment;

/**
 * Every setting of an {@link ImageTrainer} run. Immutable; built by {@link #builder()}, whose setters validate at
 * once. {@link #toString()} prints every setting.
 *
 * <p>Defaults (chosen for Fashion-MNIST, see the README's demo section): {@link EncoderKind#MLP} with hidden width
 * 256, a compact 16-dimensional embedding (the encoder output the evaluation uses), a projection head
 * Linear(64) → ReLU → Linear(16) (the space the loss acts on), {@link Objective#NTXENT} at τ = 0.1 fixed, 10 epochs
 * of batches of 256 images (two views each), Adam with learning rate 1e-3, seed 1, kNN with k = 20, a linear probe
 * of 300 full-batch Adam steps, the whole batch encoded at once (chunk size 0), and the default 28×28
 * {@link SimClrAugment}.
 */
public final class TrainingConfig {
    private final EncoderKind encoder;
    private final int hiddenDim;
    private final int embeddingDim;
    private final int headHiddenDim;
    private final int projectionDim;
    private final Objective objective;
    private final double temperature;
    private final boolean learnableTemperature;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final long seed;
    private final int knnK;
    private final int probeSteps;
    private final int chunkSize;
    private final SimClrAugment augment;

    private TrainingConfig(Builder b) {
        this.encoder = b.encoder;
        this.hiddenDim = b.hiddenDim;
        this.embeddingDim = b.embeddingDim;
        this.headHiddenDim = b.headHiddenDim;
        this.projectionDim = b.projectionDim;
        this.objective = b.objective;
        this.temperature = b.temperature;
        this.learnableTemperature = b.learnableTemperature;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.seed = b.seed;
        this.knnK = b.knnK;
        this.probeSteps = b.probeSteps;
        this.chunkSize = b.chunkSize;
        this.augment = b.augment;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.encoder = encoder;
        b.hiddenDim = hiddenDim;
        b.embeddingDim = embeddingDim;
        b.headHiddenDim = headHiddenDim;
        b.projectionDim = projectionDim;
        b.objective = objective;
        b.temperature = temperature;
        b.learnableTemperature = learnableTemperature;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.seed = seed;
        b.knnK = knnK;
        b.probeSteps = probeSteps;
        b.chunkSize = chunkSize;
        b.augment = augment;
        return b;
    }

    public EncoderKind encoder() {
        return encoder;
    }

    /** Width of the encoder's hidden dense layers. */
    public int hiddenDim() {
        return hiddenDim;
    }

    /** Dimension of the encoder output (the representation kNN and the linear probe use). */
    public int embeddingDim() {
        return embeddingDim;
    }

    /** Width of the projection head's hidden layer. */
    public int headHiddenDim() {
        return headHiddenDim;
    }

    /** Dimension of the projection head output (the space the loss acts on). */
    public int projectionDim() {
        return projectionDim;
    }

    public Objective objective() {
        return objective;
    }

    /** The (initial, when learnable) temperature; for objectives without one, the τ of the hardness metric. */
    public double temperature() {
        return temperature;
    }

    public boolean learnableTemperature() {
        return learnableTemperature;
    }

    public int epochs() {
        return epochs;
    }

    /** Images per step (each contributes two augmented views). */
    public int batchSize() {
        return batchSize;
    }

    public double learningRate() {
        return learningRate;
    }

    public long seed() {
        return seed;
    }

    /** k of the kNN evaluation. */
    public int knnK() {
        return knnK;
    }

    /** Full-batch optimisation steps of the linear probe. */
    public int probeSteps() {
        return probeSteps;
    }

    /** Images encoded at once when computing gradients (0 = the whole batch). */
    public int chunkSize() {
        return chunkSize;
    }

    public SimClrAugment augment() {
        return augment;
    }

    /** Every setting that a resumed run must share with the run that wrote the checkpoint (all but the epochs). */
    String fingerprint() {
        return toBuilder().epochs(1).build().toString();
    }

    @Override
    public String toString() {
        return "TrainingConfig{encoder=" + encoder.key() + ", hiddenDim=" + hiddenDim + ", embeddingDim="
                + embeddingDim + ", headHiddenDim=" + headHiddenDim + ", projectionDim=" + projectionDim
                + ", objective=" + objective.key() + ", temperature=" + temperature + ", learnableTemperature="
                + learnableTemperature + ", epochs=" + epochs + ", batchSize=" + batchSize + ", learningRate="
                + learningRate + ", seed=" + seed + ", knnK=" + knnK + ", probeSteps=" + probeSteps
                + ", chunkSize=" + chunkSize + ", augment=" + augment + "}";
    }

    /** Builds a {@link TrainingConfig}; every setter validates its argument at once. */
    public static final class Builder {
        private EncoderKind encoder = EncoderKind.MLP;
        private int hiddenDim = 256;
        private int embeddingDim = 16;
        private int headHiddenDim = 64;
        private int projectionDim = 16;
        private Objective objective = Objective.NTXENT;
        private double temperature = 0.1;
        private boolean learnableTemperature;
        private int epochs = 10;
        private int batchSize = 256;
        private double learningRate = 1e-3;
        private long seed = 1;
        private int knnK = 20;
        private int probeSteps = 300;
        private int chunkSize;
        private SimClrAugment augment = SimClrAugment.defaults28();

        private Builder() {
        }

        public Builder encoder(EncoderKind v) {
            encoder = Checks.notNull(v, "encoder");
            return this;
        }

        /** ≥ 1 (default 256). */
        public Builder hiddenDim(int v) {
            hiddenDim = atLeast("hiddenDim", v, 1);
            return this;
        }

        /** ≥ 1 (default 16). */
        public Builder embeddingDim(int v) {
            embeddingDim = atLeast("embeddingDim", v, 1);
            return this;
        }

        /** ≥ 1 (default 64). */
        public Builder headHiddenDim(int v) {
            headHiddenDim = atLeast("headHiddenDim", v, 1);
            return this;
        }

        /** ≥ 1 (default 16). */
        public Builder projectionDim(int v) {
            projectionDim = atLeast("projectionDim", v, 1);
            return this;
        }

        public Builder objective(Objective v) {
            objective = Checks.notNull(v, "objective");
            return this;
        }

        /** In [1e-3, 10] (default 0.1). */
        public Builder temperature(double v) {
            if (!(v >= 1e-3 && v <= 10)) {
                throw new IllegalArgumentException("temperature must be in [0.001, 10], was " + v);
            }
            temperature = v;
            return this;
        }

        /** Learn log τ with Adam alongside the network (default false); only for objectives with a τ. */
        public Builder learnableTemperature(boolean v) {
            learnableTemperature = v;
            return this;
        }

        /** ≥ 1 (default 10). */
        public Builder epochs(int v) {
            epochs = atLeast("epochs", v, 1);
            return this;
        }

        /** ≥ 2 (default 256). */
        public Builder batchSize(int v) {
            batchSize = atLeast("batchSize", v, 2);
            return this;
        }

        /** &gt; 0 and finite (default 1e-3). */
        public Builder learningRate(double v) {
            Checks.positive(v, "learningRate");
            learningRate = v;
            return this;
        }

        /** Any value (default 1): initialisation, shuffling and augmentation all derive from it. */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** ≥ 1 (default 20). */
        public Builder knnK(int v) {
            knnK = atLeast("knnK", v, 1);
            return this;
        }

        /** ≥ 1 (default 300). */
        public Builder probeSteps(int v) {
            probeSteps = atLeast("probeSteps", v, 1);
            return this;
        }

        /** ≥ 0; 0 encodes the whole batch at once (default 0). */
        public Builder chunkSize(int v) {
            chunkSize = atLeast("chunkSize", v, 0);
            return this;
        }

        public Builder augment(SimClrAugment v) {
            augment = Checks.notNull(v, "augment");
            return this;
        }

        private static int atLeast(String name, int v, int min) {
            if (v < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + v);
            }
            return v;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when the temperature is learnable but the objective has none
         */
        public TrainingConfig build() {
            if (learnableTemperature && !objective.usesTemperature()) {
                throw new IllegalArgumentException("objective " + objective.key() + " has no temperature to learn");
            }
            return new TrainingConfig(this);
        }
    }
}
