package org.contrast4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.contrast4j.embed.Objective;
import org.contrast4j.embed.SkipGram;
import org.contrast4j.embed.SkipGramCorpus;
import org.contrast4j.embed.SkipGramTraining;
import org.contrast4j.embed.TextCorpus;
import org.contrast4j.embed.WordVectors;

/** The {@link WordTrainer} of {@code compare words}: the library's {@link SkipGram} trainer. */
final class SkipGramWordTrainer implements WordTrainer {

    @Override
    public Prepared prepare(TextCorpus corpus, int minCount) {
        SkipGramCorpus c = SkipGramCorpus.ofSentences(corpus::forEachSentence, minCount);
        return new Prepared() {
            @Override
            public int vocabularySize() {
                return c.vocabulary().size();
            }

            @Override
            public long tokens() {
                return c.tokens();
            }

            @Override
            public Run train(String objective, Settings s, WordsProgress progress) {
                SkipGram config = config(Objective.parse(objective), s);
                SkipGramTraining run = config.start(c);
                List<Epoch> epochs = new ArrayList<>();
                while (run.epochsDone() < config.epochs()) {
                    SkipGramTraining.Epoch e;
                    try {
                        e = run.runEpoch(progress);
                    } catch (IllegalStateException x) {
                        if (x.getMessage() != null && x.getMessage().startsWith("training diverged")) {
                            throw new InputException(objective + ": " + x.getMessage(), x);
                        }
                        throw x;
                    }
                    WordOptions.checkTrained(objective, e.pairs(), e.epoch());
                    progress.epochDone(e);
                    epochs.add(new Epoch(e.seconds(), e.words(), e.wordsPerSecond(), e.loss()));
                }
                return new Run(objective, vectors(run), epochs);
            }
        };
    }

    static SkipGram config(Objective objective, Settings s) {
        SkipGram.Builder b = SkipGram.builder().objective(objective).negatives(s.negatives())
                .noisePower(s.noisePower()).dimension(s.dimension()).window(s.window()).epochs(s.epochs())
                .sample(s.sample()).threads(s.threads()).seed(s.seed());
        if (s.learningRate() != null) {
            b.learningRate(s.learningRate());
        }
        if (s.temperature() != null) {
            b.temperature(s.temperature());
        }
        if (s.batchSize() != null && (objective == Objective.INFONCE || objective == Objective.SOFTMAX)) {
            b.batchSize(s.batchSize());
        }
        if (s.step() != null) {
            b.step(SkipGram.Step.parse(s.step()));
        }
        return b.build();
    }

    /** The input table as word vectors, most frequent word first. */
    static WordVectors vectors(SkipGramTraining run) {
        return new WordVectors(run.vocabulary().words(), run.inputVectors());
    }
}
