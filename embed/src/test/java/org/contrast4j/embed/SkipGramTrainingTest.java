package org.contrast4j.embed;

import static org.contrast4j.embed.VocabularyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer end to end on a synthetic corpus of two topics: every sentence draws its content words from one topic,
 * mixed with function words shared by both. Skip-gram must place words of one topic closer to each other than to the
 * other topic's (cosine), for every objective, one or two threads, words or item ids.
 */
class SkipGramTrainingTest {
    static final String[] TOPIC_A = {"apple", "pear", "plum", "fig", "grape", "melon", "lemon", "lime", "date", "kiwi"};
    static final String[] TOPIC_B = {"car", "bus", "train", "truck", "bike", "boat", "ship", "tram", "van", "cab"};
    static final String[] FUNCTION = {"the", "of", "and", "a"};

    /** 1,000 sentences of 8 tokens, each from one topic, 30% function words. */
    static List<String[]> twoTopics(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String[]> out = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            String[] topic = r.nextBoolean() ? TOPIC_A : TOPIC_B;
            String[] sentence = new String[8];
            for (int i = 0; i < 8; i++) {
                sentence[i] = r.nextDouble() < 0.3 ? FUNCTION[r.nextInt(FUNCTION.length)] : topic[r.nextInt(topic.length)];
            }
            out.add(sentence);
        }
        return out;
    }

    static SkipGramCorpus corpus() {
        List<String[]> sentences = twoTopics(42);
        return SkipGramCorpus.ofSentences(sink -> sentences.forEach(sink), 1);
    }

    /** Small settings; InfoNCE with batches of 32 pairs and the softmax with 4 centers keep the test fast. */
    static SkipGram.Builder small(Objective o) {
        SkipGram.Builder b = SkipGram.builder().objective(o).dimension(16).window(3).epochs(3).sample(0).seed(7);
        return switch (o) {
            case INFONCE -> b.batchSize(32);
            case SOFTMAX -> b.batchSize(4);
            default -> b;
        };
    }

    static double cosine(Matrix m, int a, int b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < m.cols(); c++) {
            dot += (double) m.get(a, c) * m.get(b, c);
            na += (double) m.get(a, c) * m.get(a, c);
            nb += (double) m.get(b, c) * m.get(b, c);
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Mean cosine within the topics minus mean cosine across them. */
    static double topicMargin(Matrix m, Vocabulary v, String[] a, String[] b) {
        double within = 0;
        int nw = 0;
        double across = 0;
        int na = 0;
        for (String[] topic : List.of(a, b)) {
            for (int i = 0; i < topic.length; i++) {
                for (int j = i + 1; j < topic.length; j++) {
                    within += cosine(m, v.index(topic[i]), v.index(topic[j]));
                    nw++;
                }
            }
        }
        for (String x : a) {
            for (String y : b) {
                across += cosine(m, v.index(x), v.index(y));
                na++;
            }
        }
        return within / nw - across / na;
    }

    @Test
    void everyObjectiveSeparatesTheTopics() {
        SkipGramCorpus corpus = corpus();
        for (Objective o : Objective.values()) {
            SkipGramTraining run = small(o).build().train(corpus);
            double margin = topicMargin(run.inputVectors(), corpus.vocabulary(), TOPIC_A, TOPIC_B);
            // random 16-d vectors give a margin near 0 (±0.1); a trained model puts the topics far apart
            assertTrue(margin > 0.4, o + ": within-topic minus across-topic cosine is only " + margin);
            assertEquals(3, run.epochs().size());
            for (SkipGramTraining.Epoch e : run.epochs()) {
                assertTrue(Double.isFinite(e.loss()) && e.loss() > 0, o + " epoch loss " + e.loss());
                assertEquals(corpus.tokens(), e.words());
                assertTrue(e.pairs() > 0);
            }
            // the loss falls from the first epoch to the last
            assertTrue(run.epochs().get(2).loss() < run.epochs().get(0).loss(), o + " loss " + run.epochs());
        }
    }

    @Test
    void theSharedStepSeparatesTheTopicsAsThePairStepDoes() {
        SkipGramCorpus corpus = corpus();
        for (Objective o : List.of(Objective.NEGATIVE_SAMPLING, Objective.NCE, Objective.SAMPLED_SOFTMAX)) {
            double pair = topicMargin(small(o).step(SkipGram.Step.PAIR).build().train(corpus).inputVectors(),
                    corpus.vocabulary(), TOPIC_A, TOPIC_B);
            double shared = topicMargin(small(o).step(SkipGram.Step.SHARED).build().train(corpus).inputVectors(),
                    corpus.vocabulary(), TOPIC_A, TOPIC_B);
            assertTrue(shared > 0.8 * pair, o + ": shared step margin " + shared + ", pair step " + pair);
        }
    }

    /**
     * On the embedded corpus (KJV Genesis + Exodus, too small for analogies), the shared step must learn the same
     * neighbourhoods as the pair step: the top-10 neighbours of the 200 most frequent words overlap those of a pair-step
     * model at least 80% as much as a second pair-step model (another seed) does, and the last epoch's loss (the same
     * per-pair loss for both steps) is within 5% of the pair step's.
     */
    @Test
    void theSharedStepLearnsThePairStepsNeighbourhoodsOnTheEmbeddedCorpus() {
        SkipGramCorpus corpus = SkipGramCorpus.ofSentences(TextCorpus.embedded()::forEachSentence, 5);
        SkipGram.Builder b = SkipGram.builder().dimension(50).epochs(5).seed(1);
        SkipGramTraining pair = b.step(SkipGram.Step.PAIR).build().train(corpus);
        SkipGramTraining pair2 = b.step(SkipGram.Step.PAIR).seed(2).build().train(corpus);
        SkipGramTraining shared = b.step(SkipGram.Step.SHARED).seed(1).build().train(corpus);
        List<String> words = List.of(corpus.vocabulary().words());
        WordVectors vp = new WordVectors(words.toArray(new String[0]), pair.inputVectors());
        WordVectors vp2 = new WordVectors(words.toArray(new String[0]), pair2.inputVectors());
        WordVectors vs = new WordVectors(words.toArray(new String[0]), shared.inputVectors());
        double pairPair = neighbourOverlap(vp, vp2, words);
        double pairShared = neighbourOverlap(vp, vs, words);
        assertTrue(pairShared > 0.8 * pairPair, "top-10 overlap with the pair step: shared " + pairShared
                + ", pair with another seed " + pairPair);
        double lp = pair.epochs().get(4).loss();
        double ls = shared.epochs().get(4).loss();
        assertTrue(ls < 1.05 * lp, "last epoch loss: shared " + ls + ", pair " + lp);
    }

    static double neighbourOverlap(WordVectors a, WordVectors b, List<String> words) {
        int common = 0;
        int n = Math.min(200, words.size());
        for (int i = 0; i < n; i++) {
            java.util.Set<String> na = new java.util.HashSet<>();
            a.nearest(words.get(i), 10).forEach(x -> na.add(x.word()));
            for (WordVectors.Neighbour x : b.nearest(words.get(i), 10)) {
                common += na.contains(x.word()) ? 1 : 0;
            }
        }
        return common / (10.0 * n);
    }

    @Test
    void twoHogwildThreadsLearnToo() {
        SkipGramCorpus corpus = corpus();
        for (Objective o : List.of(Objective.NEGATIVE_SAMPLING, Objective.INFONCE)) {
            SkipGramTraining run = small(o).threads(2).build().train(corpus);
            double margin = topicMargin(run.inputVectors(), corpus.vocabulary(), TOPIC_A, TOPIC_B);
            assertTrue(margin > 0.4, o + " with 2 threads: margin " + margin);
        }
    }

    @Test
    void itemModeLearnsFromSessionsOfIds() {
        SplittableRandom r = new SplittableRandom(3);
        List<int[]> sessions = new ArrayList<>();
        for (int s = 0; s < 2000; s++) {
            int base = r.nextBoolean() ? 100 : 200;
            int[] session = new int[6];
            for (int i = 0; i < 6; i++) {
                session[i] = base + r.nextInt(10);
            }
            sessions.add(session);
        }
        sessions.add(new int[0]);
        SkipGramCorpus corpus = SkipGramCorpus.ofSessions(sessions, 1);
        assertEquals(20, corpus.vocabulary().size());
        assertEquals(2000, corpus.sentences());
        String[] a = new String[10];
        String[] b = new String[10];
        for (int i = 0; i < 10; i++) {
            a[i] = Integer.toString(100 + i);
            b[i] = Integer.toString(200 + i);
        }
        SkipGramTraining run = small(Objective.NEGATIVE_SAMPLING).build().train(corpus);
        assertTrue(topicMargin(run.inputVectors(), corpus.vocabulary(), a, b) > 0.4);
    }

    @Test
    void oneThreadIsDeterministicForASeed() {
        SkipGramCorpus corpus = corpus();
        for (Objective o : Objective.values()) {
            SkipGram config = small(o).epochs(1).build();
            SkipGramTraining x = config.train(corpus);
            SkipGramTraining y = config.train(corpus);
            assertArrayEquals(x.inputVectors().data(), y.inputVectors().data(), o + " input table");
            assertArrayEquals(x.outputVectors().data(), y.outputVectors().data(), o + " output table");
            assertEquals(x.epochs().get(0).loss(), y.epochs().get(0).loss());
            SkipGramTraining z = small(o).epochs(1).seed(8).build().train(corpus);
            assertFalse(Arrays.equals(x.inputVectors().data(), z.inputVectors().data()), o + ": another seed");
        }
    }

    @Test
    void resumingFromACheckpointIsBitIdenticalToAnUninterruptedRun(@TempDir Path dir) throws IOException {
        for (Objective o : Objective.values()) {
            SkipGram config = small(o).epochs(3).build();
            SkipGramTraining whole = config.train(corpus());

            SkipGramTraining first = config.start(corpus());
            first.runEpoch(null);
            Path file = dir.resolve(o.key() + ".ckpt");
            first.checkpoint(file);
            // a fresh process would re-read the corpus: a new corpus object, the run rebuilt from the file alone
            SkipGramTraining resumed = SkipGramTraining.resume(file, corpus(), config);
            assertEquals(1, resumed.epochsDone());
            assertEquals(first.epochs(), resumed.epochs());
            resumed.runEpoch(null);
            resumed.runEpoch(null);
            assertArrayEquals(whole.inputVectors().data(), resumed.inputVectors().data(), o + " input table");
            assertArrayEquals(whole.outputVectors().data(), resumed.outputVectors().data(), o + " output table");
            assertEquals(whole.epochs().get(2).loss(), resumed.epochs().get(2).loss(), o + " last epoch loss");
            IllegalStateException done = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> resumed.runEpoch(null));
            assertEquals("all 3 epochs are done", done.getMessage());
        }
    }

    @Test
    void thePairStepResumesBitIdenticallyAndTheStepIsCheckedOnResume(@TempDir Path dir) throws IOException {
        SkipGram config = small(Objective.NEGATIVE_SAMPLING).epochs(2).step(SkipGram.Step.PAIR).build();
        SkipGramTraining whole = config.train(corpus());
        SkipGramTraining first = config.start(corpus());
        first.runEpoch(null);
        Path file = dir.resolve("pair.ckpt");
        first.checkpoint(file);
        SkipGramTraining resumed = SkipGramTraining.resume(file, corpus(), config);
        assertEquals(SkipGram.Step.PAIR, resumed.config().step());
        resumed.runEpoch(null);
        assertArrayEquals(whole.inputVectors().data(), resumed.inputVectors().data());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SkipGramTraining.resume(file, corpus(), config.toBuilder().step(SkipGram.Step.SHARED).build()));
        assertTrue(e.getMessage().endsWith("(step shared requested, checkpoint has pair)"), e.getMessage());
        // the pair and the shared step are different runs
        SkipGramTraining shared = config.toBuilder().step(SkipGram.Step.SHARED).build().train(corpus());
        assertFalse(Arrays.equals(whole.inputVectors().data(), shared.inputVectors().data()));
        assertEquals(SkipGram.Step.SHARED, SkipGram.Step.parse("Shared"));
        assertEquals(SkipGram.Step.PAIR, SkipGram.Step.parse("pair"));
        assertEquals("unknown step 'window': use pair or shared", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> SkipGram.Step.parse("window")).getMessage());
    }

    @Test
    void checkpointsAreAtomicAndCheckedOnResume(@TempDir Path dir) throws IOException {
        SkipGram config = small(Objective.NEGATIVE_SAMPLING).epochs(2).build();
        SkipGramCorpus corpus = corpus();
        SkipGramTraining run = config.start(corpus);
        run.runEpoch(null);
        Path file = dir.resolve("run.ckpt");
        run.checkpoint(file);
        run.checkpoint(file); // over an existing one
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        byte[] bytes = Files.readAllBytes(file);

        assertMessage(() -> SkipGramTraining.resume(file, corpus, small(Objective.NEGATIVE_SAMPLING).epochs(2)
                .dimension(20).build()), "other settings (dimension 20 requested, checkpoint has 16)");
        // more epochs than the checkpoint was written for: the run goes on to them; fewer than it has done: refused
        SkipGramTraining longer = SkipGramTraining.resume(file, corpus, small(Objective.NEGATIVE_SAMPLING).epochs(4)
                .build());
        assertEquals(4, longer.config().epochs());
        assertEquals(1, longer.epochsDone());
        longer.runEpoch(null);
        assertEquals(2, longer.epochsDone());
        run.runEpoch(null);
        Path two = dir.resolve("two.ckpt");
        run.checkpoint(two);
        assertMessage(() -> SkipGramTraining.resume(two, corpus, small(Objective.NEGATIVE_SAMPLING).epochs(1).build()),
                "the checkpoint has 2 epochs done, more than the 1 requested");
        List<String[]> other = twoTopics(43);
        assertMessage(() -> SkipGramTraining.resume(file, SkipGramCorpus.ofSentences(sink -> other.forEach(sink), 1),
                config), "written for another corpus");

        Path corrupt = dir.resolve("corrupt.ckpt");
        byte[] flipped = bytes.clone();
        flipped[flipped.length - 100] ^= 1;
        Files.write(corrupt, flipped);
        assertMessage(() -> SkipGramTraining.resume(corrupt, corpus, config),
                "corrupt or truncated skip-gram checkpoint (CRC-32");
        Files.write(corrupt, Arrays.copyOf(bytes, bytes.length - 1000));
        assertMessage(() -> SkipGramTraining.resume(corrupt, corpus, config), "corrupt or truncated skip-gram");
        Files.writeString(corrupt, "word 1 2 3\n");
        assertMessage(() -> SkipGramTraining.resume(corrupt, corpus, config), "not a contrast4j skip-gram checkpoint");
    }

    @Test
    void badInput() {
        assertMessage(() -> SkipGramCorpus.ofSentences(sink -> { }, 1), "the corpus is empty");
        assertMessage(() -> SkipGramCorpus.ofSentences(sink -> sink.accept(new String[0]), 1), "the corpus is empty");
        assertMessage(() -> SkipGramCorpus.ofSentences(sink -> sink.accept(new String[] {"a", "b", "a"}), 3),
                "no word occurs at least minCount = 3 times");
        assertMessage(() -> SkipGramCorpus.ofSessions(List.of(new int[] {1, 2}, new int[] {3}), 2),
                "no word occurs at least minCount = 2 times");
        assertMessage(() -> SkipGramCorpus.ofSentences(sink -> sink.accept(new String[] {"a", null}), 1),
                "sentence 0 holds a null token");
        SkipGramCorpus tiny = SkipGramCorpus.ofSentences(sink -> sink.accept(new String[] {"a", "b", "c", "a"}), 1);
        assertMessage(() -> SkipGram.builder().build().start(tiny),
                "the vocabulary has 3 words but neg with k = 5 negatives needs at least k + 1 = 6");
        assertMessage(() -> SkipGram.builder().objective(Objective.NCE).negatives(3).build().start(tiny),
                "needs at least k + 1 = 4");
        SkipGram.builder().negatives(2).build().start(tiny); // k + 1 = 3 words is enough
        SkipGramCorpus one = SkipGramCorpus.ofSentences(sink -> sink.accept(new String[] {"a", "a"}), 1);
        assertMessage(() -> SkipGram.builder().objective(Objective.SOFTMAX).build().start(one),
                "the vocabulary has 1 word: softmax needs at least 2");
        assertMessage(() -> SkipGram.builder().negatives(0), "negatives k must be >= 1, was 0");
        assertMessage(() -> SkipGram.builder().dimension(0), "dimension must be >= 1, was 0");
        assertMessage(() -> SkipGram.builder().window(0), "window must be >= 1, was 0");
        assertMessage(() -> SkipGram.builder().epochs(0), "epochs must be >= 1, was 0");
        assertMessage(() -> SkipGram.builder().sample(-1), "sample must be finite and >= 0, was -1.0");
        assertMessage(() -> SkipGram.builder().learningRate(0), "learningRate must be finite and > 0, was 0.0");
        assertMessage(() -> SkipGram.builder().temperature(Double.NaN), "temperature must be finite and > 0");
        assertMessage(() -> SkipGram.builder().threads(0), "threads must be >= 1, was 0");
        assertMessage(() -> SkipGram.builder().noisePower(-0.5), "noisePower must be finite and >= 0");
        assertMessage(() -> SkipGram.builder().objective(Objective.INFONCE).batchSize(1).build(),
                "InfoNCE needs batchSize >= 2");
        assertMessage(() -> Objective.parse("hs"), "unknown objective 'hs': use neg, nce, sampled-softmax, softmax"
                + " or infonce");
        assertEquals(Objective.SAMPLED_SOFTMAX, Objective.parse("Sampled-Softmax"));
        SkipGramTraining diverging = small(Objective.INFONCE).learningRate(100).build().start(corpus());
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> diverging.runEpoch(null));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 1: the "), e.getMessage());
        assertTrue(e.getMessage().contains("(learning rate 100.0 is too large for infonce at temperature 0.5: lower"
                + " it)"), e.getMessage());
    }
}
