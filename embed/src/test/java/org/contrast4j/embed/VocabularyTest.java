package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.contrast4j.FloatBounds;
import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void keepsWordsAtOrAboveMinCountSortedByCountTiesInFirstAppearanceOrder() {
        Vocabulary v = Vocabulary.of(new String[] {"b", "a", "rare", "c", "d", "once"}, new long[] {3, 7, 2, 3, 9, 1},
                3);
        assertArrayEquals(new String[] {"d", "a", "b", "c"}, v.words());
        assertArrayEquals(new long[] {9, 7, 3, 3}, v.counts());
        assertEquals(4, v.size());
        assertEquals(22, v.totalCount());
        assertEquals(2, v.droppedWords());
        assertEquals(3, v.droppedTokens());
        assertEquals(2, v.index("b"));
        assertEquals(-1, v.index("rare"));
        assertEquals("c", v.word(3));
        assertEquals(7, v.count(1));
        assertEquals(3, v.minCount());
    }

    @Test
    void keepProbabilityIsWord2vecsFormula() {
        long[] counts = {100_000, 5_000, 300, 20, 1};
        String[] words = {"the", "of", "king", "queen", "zebra"};
        Vocabulary v = Vocabulary.of(words, counts, 1);
        long total = 105_321;
        assertEquals(total, v.totalCount());
        for (double t : new double[] {1e-3, 1e-4, 1e-5}) {
            for (int i = 0; i < counts.length; i++) {
                // word2vec.c: ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn, capped at 1
                double st = t * total;
                double ran = (Math.sqrt(counts[i] / st) + 1) * st / counts[i];
                // the same formula in double, perhaps in another order: a few roundings of values ≤ 1
                assertEquals(Math.min(1, ran), v.keepProbability(i, t), FloatBounds.gamma64(8), words[i] + " t=" + t);
            }
        }
        // worked by hand: t·T = 10.5321; "the": (√(100000/10.5321) + 1)·10.5321/100000 = (97.441… + 1)·1.05321e-4
        // the expected value is the formula's result rounded to 6 decimals: within half a unit of the last digit
        assertEquals(0.010368, v.keepProbability(0, 1e-4), 0.5e-6);
        // exact by design: the probability is capped at 1
        assertEquals(1.0, v.keepProbability(4, 1e-4));
        assertEquals(1.0, v.keepProbability(0, 0));
    }

    @Test
    void badInput() {
        assertMessage(() -> Vocabulary.of(new String[0], new long[0], 1), "the corpus is empty");
        assertMessage(() -> Vocabulary.of(new String[] {"a", "b"}, new long[] {2, 4}, 5),
                "no word occurs at least minCount = 5 times: the corpus has 6 tokens of 2 distinct words, the most"
                        + " frequent ('b') occurs 4 times");
        assertMessage(() -> Vocabulary.of(new String[] {"a"}, new long[] {1}, 0), "minCount must be >= 1, was 0");
        assertMessage(() -> Vocabulary.of(new String[] {"a", "a"}, new long[] {1, 1}, 1), "words[1] 'a' repeats");
        assertMessage(() -> Vocabulary.of(new String[] {"a b"}, new long[] {1}, 1), "contains whitespace at 1");
        assertMessage(() -> Vocabulary.of(new String[] {""}, new long[] {1}, 1), "words[0] is empty");
        assertMessage(() -> Vocabulary.of(new String[] {"a"}, new long[] {0}, 1), "counts[0] (word 'a') is 0");
        assertMessage(() -> Vocabulary.of(new String[] {"a"}, new long[] {1, 2}, 1), "1 words but 2 counts");
        Vocabulary v = Vocabulary.of(new String[] {"a"}, new long[] {1}, 1);
        assertMessage(() -> v.word(1), "id 1 is outside [0, 1)");
        assertMessage(() -> v.keepProbability(0, -1e-3), "sample threshold must be finite and >= 0, was -0.001");
    }

    @Test
    void corpusEncodingDropsRareWordsAndSplitsLongSentences() {
        List<String[]> sentences = List.of(new String[] {"a", "rare", "b", "a"}, new String[0],
                new String[] {"b", "a"});
        SkipGramCorpus c = SkipGramCorpus.ofSentences(sink -> sentences.forEach(sink), 2);
        assertEquals(2, c.sentences());
        assertArrayEquals(new int[] {0, 1, 0}, c.sentence(0));
        assertArrayEquals(new int[] {1, 0}, c.sentence(1));
        assertEquals(5, c.tokens());
        assertEquals(6, c.rawTokens());
        String[] longSentence = new String[SkipGramCorpus.MAX_SENTENCE * 2 + 5];
        java.util.Arrays.fill(longSentence, "w");
        SkipGramCorpus cut = SkipGramCorpus.ofSentences(sink -> sink.accept(longSentence), 1);
        assertEquals(3, cut.sentences());
        assertEquals(5, cut.sentence(2).length);
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}
