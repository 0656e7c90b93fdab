package org.contrast4j.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The word tokenizer and sentence splitter of {@link TextCorpus}, fed code unit by code unit (a streaming state
 * machine, so a corpus never has to fit in memory).
 *
 * <p>Tokens: a token is a maximal run of letters ({@link Character#isLetter(int)}), decimal digits
 * ({@link Character#isDigit(int)}), combining marks (Mn, Mc, Me; only after the first character, so "café" written
 * with a combining accent stays one token) and apostrophes (U+0027, and U+2019 which is rewritten to U+0027);
 * apostrophes at the start or end of a run are removed ("'tis" → "tis", "boys'" → "boys", "don't" and "o'clock" stay
 * whole); the token is then lower-cased with {@link Locale#ROOT}. Every other character separates tokens: spaces,
 * punctuation, hyphens ("well-known" → "well", "known"), symbols, and U+FFFD (which stands for an invalid byte).
 *
 * <p>Sentences: a sentence ends at a line break (LF, CR, U+0085, U+2028, U+2029), at '!', '?', '…' (U+2026), and at
 * '.' unless the '.' stands between two digits ("3.5"); it also ends after {@value #MAX_SENTENCE_TOKENS} tokens (the
 * cap gensim's LineSentence uses), so a file without breaks never builds one huge sentence. Empty sentences are not
 * emitted.
 */
final class Tokenizer {
    /** The longest sentence emitted; longer runs are cut into pieces of this many tokens. */
    static final int MAX_SENTENCE_TOKENS = 10_000;

    private final Consumer<String[]> sink;
    private final StringBuilder token = new StringBuilder(32);
    private final List<String> sentence = new ArrayList<>();
    /** A high surrogate waiting for its low half. */
    private char high;
    /** The last code point added to the current or the just-ended token was a digit. */
    private boolean lastWasDigit;
    /** A '.' after a digit: the sentence ends unless the next code point is a digit. */
    private boolean pendingDot;
    private long tokens;
    private long sentences;

    Tokenizer(Consumer<String[]> sink) {
        this.sink = sink;
    }

    /** Splits {@code text} into sentences of tokens (for tests and small inputs). */
    static List<String[]> sentences(CharSequence text) {
        List<String[]> out = new ArrayList<>();
        Tokenizer t = new Tokenizer(out::add);
        t.accept(text);
        t.finish();
        return out;
    }

    /** The tokens of {@code text}, ignoring sentence boundaries. */
    static List<String> tokens(CharSequence text) {
        List<String> out = new ArrayList<>();
        for (String[] s : sentences(text)) {
            out.addAll(List.of(s));
        }
        return out;
    }

    long tokenCount() {
        return tokens;
    }

    long sentenceCount() {
        return sentences;
    }

    void accept(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            accept(text.charAt(i));
        }
    }

    void accept(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            accept(chars[i]);
        }
    }

    void accept(char c) {
        if (high != 0) {
            char h = high;
            high = 0;
            if (Character.isLowSurrogate(c)) {
                codePoint(Character.toCodePoint(h, c));
                return;
            }
            codePoint(h); // a lone high surrogate: a separator
        }
        if (Character.isHighSurrogate(c)) {
            high = c;
            return;
        }
        codePoint(c);
    }

    /** Ends the input: the last token and sentence are emitted. */
    void finish() {
        if (high != 0) {
            codePoint(high);
            high = 0;
        }
        endToken();
        endSentence();
    }

    private void codePoint(int cp) {
        if (pendingDot) {
            pendingDot = false;
            if (!Character.isDigit(cp)) {
                endSentence();
            }
        }
        if (Character.isLetter(cp) || Character.isDigit(cp)) {
            token.appendCodePoint(cp);
            lastWasDigit = Character.isDigit(cp);
            return;
        }
        if (cp == '\'' || cp == '\u2019') {
            token.append('\'');
            lastWasDigit = false;
            return;
        }
        int type = Character.getType(cp);
        if (!token.isEmpty() && (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK)) {
            token.appendCodePoint(cp);
            return;
        }
        boolean digitBefore = lastWasDigit;
        endToken();
        switch (cp) {
            case '\n', '\r', '\u0085', '\u2028', '\u2029', '!', '?', '\u2026' -> endSentence();
            case '.' -> {
                if (digitBefore) {
                    pendingDot = true;
                } else {
                    endSentence();
                }
            }
            default -> {
                // a separator
            }
        }
    }

    private void endToken() {
        lastWasDigit = false;
        if (token.isEmpty()) {
            return;
        }
        int from = 0;
        int to = token.length();
        while (from < to && token.charAt(from) == '\'') {
            from++;
        }
        while (to > from && token.charAt(to - 1) == '\'') {
            to--;
        }
        if (from < to) {
            sentence.add(token.substring(from, to).toLowerCase(Locale.ROOT));
            tokens++;
            if (sentence.size() == MAX_SENTENCE_TOKENS) {
                endSentence();
            }
        }
        token.setLength(0);
    }

    private void endSentence() {
        if (sentence.isEmpty()) {
            return;
        }
        String[] s = sentence.toArray(new String[0]);
        sentence.clear();
        sentences++;
        sink.accept(s);
    }
}
