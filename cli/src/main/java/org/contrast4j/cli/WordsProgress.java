package org.contrast4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.contrast4j.embed.SkipGramTraining;

/**
 * Progress of a skip-gram run on stderr, for {@code train words} and {@code compare words}: while an epoch runs, a
 * progress bar over its words with words/s and the learning rate (only when stderr is a terminal and bars are not
 * turned off); when it ends, one line {@code [name ]epoch E done: S s, W words/s, loss L} — the only output in a log
 * or a pipe. The loss is the mean over the pairs of the epoch (sampled).
 */
final class WordsProgress implements Consumer<SkipGramTraining.Progress> {
    private final String prefix;
    private final boolean bars;
    private final PrintWriter err;
    private ProgressBar bar;

    /**
     * @param name shown before each line and bar (null: none)
     * @param noBars true to print only the epoch lines
     */
    WordsProgress(String name, boolean noBars, PrintWriter err) {
        this.prefix = name == null ? "" : name + " ";
        this.bars = !noBars && Terminal.stderr();
        this.err = err;
    }

    @Override
    public void accept(SkipGramTraining.Progress p) {
        if (!bars) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "%sepoch %d/%d", prefix, p.epoch(), p.epochs()))
                    .setInitialMax(p.epochWords()).setUnit(" words", 1).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).setMaxRenderedLength(110).build();
        }
        bar.stepTo(p.words());
        bar.setExtraMessage(String.format(Locale.ROOT, " %,.0f words/s  lr %.5f", p.wordsPerSecond(),
                p.learningRate()));
    }

    /** Closes the epoch's bar, if any, and prints the epoch's line. */
    void epochDone(SkipGramTraining.Epoch e) {
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.close();
            bar = null;
        }
        err.printf(Locale.ROOT, "%sepoch %d done: %.1f s, %,.0f words/s, %s%n", prefix, e.epoch(), e.seconds(),
                e.wordsPerSecond(), e.pairs() == 0 ? "no pairs trained (too few words left after subsampling?)"
                        : String.format(Locale.ROOT, "loss %.4f", e.loss()));
        err.flush();
    }
}
