package org.contrast4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.contrast4j.io.Npy;
import org.contrast4j.loss.Batch;
import org.contrast4j.loss.ContrastiveLoss;
import org.contrast4j.loss.Matryoshka;
import org.contrast4j.loss.Mined;
import org.contrast4j.loss.TripletMiner;

/**
 * The wrappers {@code contrast4j loss} puts around a contrastive loss: {@code --mining batch-hard|semi-hard}
 * ({@link Mined}: triplet and margin on triplets mined from a labelled batch) and {@code --matryoshka-dims}
 * ({@link Matryoshka}: the loss summed over nested prefix dimensions). Mining changes which inputs triplet and margin
 * take: {@code --labels} required, {@code --positives} optional (mined together with the anchors),
 * {@code --negatives} not used; the mined triplets are written to {@code DIR/triplets.npy}.
 */
final class LossWrappers {
    /** The file with the mined triplets (int64, T×3: anchor, positive, negative rows of [anchors; positives]). */
    static final String TRIPLETS = "triplets.npy";

    private LossWrappers() {
    }

    /** Converts the {@code --mining} value. */
    static final class MiningConverter implements picocli.CommandLine.ITypeConverter<TripletMiner.Strategy> {
        @Override
        public TripletMiner.Strategy convert(String value) {
            return switch (value) {
                case "batch-hard" -> TripletMiner.Strategy.BATCH_HARD;
                case "semi-hard" -> TripletMiner.Strategy.SEMI_HARD;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "expected batch-hard or semi-hard but was '" + value + "'");
            };
        }
    }

    /** Whether {@code option}, which the loss itself does not take, applies because of a wrapper. */
    static boolean accepts(LossCommand c, String option) {
        return c.mining != null && option.equals("--labels");
    }

    /** Whether an input the loss itself requires is not required because of a wrapper. */
    static boolean waives(LossCommand c, String option) {
        return c.mining != null && Set.of("--positives", "--negatives").contains(option);
    }

    /** The wrappers' own option checks (after the loss's). */
    static void checkOptions(LossCommand c) {
        if (c.mining != null) {
            if (c.labels == null) {
                throw new InputException("--mining needs --labels (N class ids, int32 or int64): the miner picks "
                        + "positives and negatives by label");
            }
            if (c.negatives != null) {
                throw new InputException("--negatives does not apply with --mining: the miner picks each anchor's "
                        + "negatives from the batch");
            }
        }
        if (c.matryoshkaWeights != null && c.matryoshkaDims == null) {
            throw new InputException("--matryoshka-weights needs --matryoshka-dims (the prefix dimensions they weigh)");
        }
    }

    /** {@code loss}, mined if {@code --mining}, then summed over prefixes if {@code --matryoshka-dims}. */
    static ContrastiveLoss wrap(LossCommand c, ContrastiveLoss loss) {
        ContrastiveLoss out = loss;
        if (c.mining != null) {
            out = Mined.of(loss, TripletMiner.of(c.mining));
        }
        if (c.matryoshkaDims != null) {
            Matryoshka.Builder b = Matryoshka.of(out);
            Options.set("--matryoshka-dims", c.matryoshkaDims, d -> b.dims(d));
            if (c.matryoshkaWeights != null) {
                String typed = java.util.Arrays.stream(c.matryoshkaWeights).mapToObj(Double::toString)
                        .collect(java.util.stream.Collectors.joining(","));
                Options.check("--matryoshka-weights " + typed, () -> b.weights(c.matryoshkaWeights));
            }
            out = Options.check("--matryoshka-weights", b::build);
        }
        return out;
    }

    /** Checks the wrappers' needs against the loaded batch, before any output is written. */
    static void checkBatch(LossCommand c, Batch batch) {
        if (c.matryoshkaDims != null) {
            int largest = c.matryoshkaDims[c.matryoshkaDims.length - 1];
            if (largest > batch.dimension()) {
                throw new InputException("--matryoshka-dims: the largest dimension " + largest + " exceeds the "
                        + "inputs' dimension D = " + batch.dimension());
            }
        }
    }

    /**
     * Writes the mined triplets when mining — those mined on the full-width inputs (under Matryoshka each prefix mines
     * its own) — and returns the file written (null otherwise).
     */
    static Path writeExtras(LossCommand c, ContrastiveLoss built, Batch batch, Path dir) throws IOException {
        if (c.mining == null) {
            return null;
        }
        Mined mined = built instanceof Mined m ? m : (Mined) ((Matryoshka) built).inner();
        TripletMiner.Triplets t = mined.mine(batch);
        int[] a = t.anchors();
        int[] p = t.positives();
        int[] n = t.negatives();
        long[] rows = new long[3 * t.size()];
        for (int i = 0; i < t.size(); i++) {
            rows[3 * i] = a[i];
            rows[3 * i + 1] = p[i];
            rows[3 * i + 2] = n[i];
        }
        Path file = dir.resolve(TRIPLETS);
        Npy.write(file, new int[] {t.size(), 3}, rows);
        return file;
    }
}
