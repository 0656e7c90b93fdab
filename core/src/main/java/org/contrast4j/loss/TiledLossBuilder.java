package org.contrast4j.loss;

import org.contrast4j.internal.Checks;

/**
 * {@link TemperatureLossBuilder} plus the engine choice of the self-similarity losses (NT-Xent, SupCon, DCL): dense
 * or tiled ({@link org.contrast4j.tiled.TiledSelfSimilarity}), and the tiled engine's worker threads.
 *
 * @param <B> the concrete builder, returned by every setter for chaining
 */
abstract class TiledLossBuilder<B extends TiledLossBuilder<B>> extends TemperatureLossBuilder<B> {
    Engine engine = Engine.AUTO;
    /** 0 = {@link Runtime#availableProcessors()} at each compute. */
    int threads;

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
}
