package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * A plain-text corpus read as sentences of lower-cased word tokens, streamed from disk on every pass (it never has to
 * fit in memory).
 *
 * <p><b>Bytes.</b> The file is decoded as UTF-8. A malformed or truncated byte sequence is replaced by U+FFFD (one
 * per maximal invalid subsequence, as Java's decoder reports it) and its bytes are counted in {@link #invalidBytes()};
 * it never stops the read. U+FFFD separates tokens, so "caf\xFFe" gives "caf" and "e". A file whose name ends in
 * {@code .gz} is gunzipped first.
 *
 * <p><b>Tokens.</b> A token is a maximal run of letters, decimal digits, combining marks (after the first character)
 * and apostrophes (' and U+2019, written as '), with apostrophes at either end removed, lower-cased with
 * {@link java.util.Locale#ROOT}: "Don't stop, O’Brien's 3.5-ton well-known café!" →
 * [don't, stop, o'brien's, 3, 5, ton, well, known, café]. Everything else (space, punctuation, hyphen, symbol)
 * separates tokens.
 *
 * <p><b>Sentences.</b> A sentence ends at each line break (so a one-sentence-per-line file is read line by line,
 * as word2vec and gensim's LineSentence do) and also at '.', '!', '?' and '…' ('.' between two digits excepted), so
 * running prose is split into sentences too. Sentences longer than {@value Tokenizer#MAX_SENTENCE_TOKENS} tokens are
 * cut (gensim's cap). Empty sentences are skipped.
 *
 * <p>{@link #tokens()} and {@link #invalidBytes()} are properties of the file: the first call makes a counting pass
 * unless a complete {@link #forEachSentence} pass has already measured them; later calls return the cached value.
 * Instances are thread-safe; each pass opens its own stream.
 */
public final class TextCorpus {
    /** Class-path resource of the embedded corpus (gzipped UTF-8, one verse per line). */
    static final String EMBEDDED_RESOURCE = "kjv-genesis-exodus.txt.gz";

    private static final int BUFFER = 1 << 16;

    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    /** What a complete pass measured. */
    private record Counts(long tokens, long sentences, long invalidBytes, long bytes) {
    }

    private final String name;
    private final Source source;
    private volatile Counts counts;

    private TextCorpus(String name, Source source) {
        this.name = name;
        this.source = source;
    }

    /**
     * A corpus read from {@code file} (UTF-8 text; gunzipped when the name ends in {@code .gz}). The file is checked
     * here and read on each pass.
     *
     * @throws IllegalArgumentException when the file does not exist, is a directory or cannot be read
     */
    public static TextCorpus open(Path file) {
        Checks.notNull(file, "file");
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("corpus " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("corpus " + file + ": is a directory, expected a UTF-8 text file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("corpus " + file + ": cannot be read (permission denied)");
        }
        boolean gz = file.getFileName().toString().endsWith(".gz");
        return new TextCorpus(file.toString(), () -> {
            InputStream in = Files.newInputStream(file);
            return gz ? new GZIPInputStream(in, BUFFER) : in;
        });
    }

    /**
     * The small public-domain corpus embedded in the library, for tests and quick runs: the books of Genesis and
     * Exodus of the King James Version (the 1769 Oxford text as distributed by CrossWire / eBible.org in Debian's
     * {@code sword-text-kjv}), one verse per line, 2,746 lines, 70,947 words, 367 KB. Public domain (outside the UK,
     * where the Crown's letters patent restrict printing); see {@code NOTICE.md} beside the resource and
     * {@code scripts/make_embed_resources.sh}, which made it.
     */
    public static TextCorpus embedded() {
        return new TextCorpus("embedded:" + EMBEDDED_RESOURCE, () -> {
            InputStream in = TextCorpus.class.getResourceAsStream(EMBEDDED_RESOURCE);
            if (in == null) {
                throw new IOException("resource " + EMBEDDED_RESOURCE + " is missing from the class path");
            }
            return new GZIPInputStream(in, BUFFER);
        });
    }

    /**
     * The sentences of {@code text} as {@link #forEachSentence} splits and tokenizes a file (for readers that hold
     * the text already, such as one line of a distributed data set: a line break always ends a sentence, so
     * tokenizing a file line by line gives the file's sentences).
     */
    public static java.util.List<String[]> sentencesOf(CharSequence text) {
        Checks.notNull(text, "text");
        return Tokenizer.sentences(text);
    }

    /** The file name, or {@code embedded:<resource>}. */
    public String name() {
        return name;
    }

    /**
     * Streams the corpus once, handing each sentence (a non-empty array of tokens, freshly allocated, which the sink
     * may keep) to {@code sink} in file order.
     *
     * @throws UncheckedIOException when the file cannot be read (it vanished, or a .gz file is corrupt)
     */
    public void forEachSentence(Consumer<String[]> sink) {
        Checks.notNull(sink, "sink");
        pass(sink);
    }

    /** The number of tokens in the corpus (one counting pass on the first call unless a full pass already ran). */
    public long tokens() {
        return counts().tokens();
    }

    /** The number of sentences {@link #forEachSentence} emits. */
    public long sentences() {
        return counts().sentences();
    }

    /** The number of bytes that were not valid UTF-8 (each malformed run was replaced by U+FFFD). */
    public long invalidBytes() {
        return counts().invalidBytes();
    }

    /**
     * The bytes of the text (after gunzipping), the denominator of {@link #invalidBytes()}: a file whose bytes are
     * mostly invalid UTF-8 is not text in this encoding (about 43% of random bytes are).
     */
    public long bytes() {
        return counts().bytes();
    }

    private Counts counts() {
        Counts c = counts;
        if (c == null) {
            c = pass(s -> { });
        }
        return c;
    }

    private Counts pass(Consumer<String[]> sink) {
        Tokenizer tokenizer = new Tokenizer(sink);
        long invalid = 0;
        long bytes = 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(BUFFER);
        CharBuffer out = CharBuffer.allocate(BUFFER);
        try (InputStream stream = source.open()) {
            boolean eof = false;
            while (true) {
                if (!eof) {
                    int n = stream.read(in.array(), in.arrayOffset() + in.position(), in.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes += n;
                        in.position(in.position() + n);
                    }
                }
                in.flip();
                while (true) {
                    CoderResult r = decoder.decode(in, out, eof);
                    drain(out, tokenizer);
                    if (r.isError()) {
                        invalid += r.length();
                        in.position(in.position() + r.length());
                        tokenizer.accept('\uFFFD');
                    } else if (r.isUnderflow()) {
                        break;
                    }
                }
                in.compact();
                if (eof) {
                    break;
                }
            }
            decoder.flush(out);
            drain(out, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException("corpus " + name + ": " + e.getMessage(), e);
        }
        tokenizer.finish();
        Counts c = new Counts(tokenizer.tokenCount(), tokenizer.sentenceCount(), invalid, bytes);
        counts = c;
        return c;
    }

    private static void drain(CharBuffer out, Tokenizer tokenizer) {
        out.flip();
        tokenizer.accept(out.array(), out.arrayOffset() + out.position(), out.arrayOffset() + out.limit());
        out.clear();
    }

    @Override
    public String toString() {
        return "TextCorpus[" + name + "]";
    }
}
