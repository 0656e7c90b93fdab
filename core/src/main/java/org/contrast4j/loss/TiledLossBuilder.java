package org.contrast4j.loss;

import org.contrast4j.internal.Checks;

/**
 * {@link TemperatureLossBuilder} plus the engine choice of the self-similarity losses (NT-Xent, SupCon, DCL): dense
 * or tiled ({@link org.contrast4j.tiled.TiledSelfSimilarity}), the tiled engine's worker threads, and the GISTEmbed
 * guide margin.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class TiledLossBuilder<B extends TiledLossBuilder<B>> extends TemperatureLossBuilder<B> {
    Engine engine = Engine.AUTO;
    /** 0 = {@link Runtime#availableProcessors()} at each compute. */
    int threads;
    /** GISTEmbed's margin m (used only when the batch has a guide). */
    double guideMargin;

    /**
     * How the loss is computed (default {@link Engine#AUTO}: the tiled engine from {@value Engine#AUTO_TILED_FROM}
     * pairs or anchors, the dense one below).
     */
    public B engine(Engine engine) {
        this.engine = Checks.notNull(engine, "engine");
        return self();
    }

    /**
     * Worker threads of the tiled engine, ≥ 1 (default: {@link Runtime#availableProcessors()} when the loss is
     * computed). The dense engine is single-threaded and ignores it. For a fixed thread count the tiled result is the
     * same bits on every run.
     */
    public B threads(int threads) {
        this.threads = Checks.atLeast(threads, 1, "threads");
        return self();
    }

    /**
     * GISTEmbed's margin m ≥ 0, finite (default 0), for batches with a guide ({@link Batch.Builder#guide}): a negative
     * l of row k is masked when cos(g_k, g_l) &gt; cos(ga_i, gp_i) − m, with i the pair of row k and g the guide row
     * of the same view as z_l (see {@link NtXent}). A larger m masks more.
     */
    public B guideMargin(double margin) {
        this.guideMargin = Checks.nonNegative(margin, "guideMargin");
        return self();
    }

    /** Copies the engine settings of an existing loss (for {@code withTemperature}). */
    B engineSettings(Engine e, int t) {
        engine = e;
        threads = t;
        return self();
    }

    /** The workers a tiled computation uses. */
    static int workers(int threads) {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** ", engine=…, threads=…" for toString, each only when set. */
    static String describe(Engine engine, int threads) {
        return (engine == Engine.AUTO ? "" : ", engine=" + engine) + (threads == 0 ? "" : ", threads=" + threads);
    }

    /** ", guideMargin=…" for toString, only when not 0. */
    static String describeGuide(double guideMargin) {
        return guideMargin == 0 ? "" : ", guideMargin=" + guideMargin;
    }
}
