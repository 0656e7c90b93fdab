package org.contrast4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Verse-aligned Bibles for the text-retrieval benchmark: the same verses in {@link #TRANSLATIONS} (KJV, WEB, RV1909),
 * split by book into train, valid and test (no verse of a test book in training). Two sources, both written by
 * {@code scripts/bible-extract} from Debian's SWORD modules:
 * <ul>
 *   <li>the slice embedded in the command line ({@code /retrieval/bible-slice.tsv.gz}, 1,988 verses, public
 *       domain: see its LICENSE.txt), for {@code demo retrieval} and the tests;</li>
 *   <li>a directory of the full extraction ({@code DIR/{train,valid,test}/{kjv,web,rv1909}.tsv}), the benchmark.</li>
 * </ul>
 */
final class BibleData {
    /** The translations, in the files' column order. */
    static final List<String> TRANSLATIONS = List.of("kjv", "web", "rv1909");
    /** The splits. */
    static final List<String> SPLITS = List.of("train", "valid", "test");
    /** The embedded slice on the class path. */
    static final String SLICE = "/retrieval/bible-slice.tsv.gz";

    /** One split: verse references ("Matthew 1:1") and each translation's text, row i the same verse in all. */
    record Split(String name, List<String> refs, Map<String, List<String>> texts) {
        Split {
            refs = List.copyOf(refs);
            Map<String, List<String>> copy = new LinkedHashMap<>();
            for (String t : TRANSLATIONS) {
                List<String> rows = texts.get(t);
                if (rows == null || rows.size() != refs.size()) {
                    throw new IllegalArgumentException(name + ": translation " + t + " has "
                            + (rows == null ? "no" : rows.size()) + " rows for " + refs.size() + " references");
                }
                copy.put(t, List.copyOf(rows));
            }
            texts = copy;
        }

        int size() {
            return refs.size();
        }

        List<String> texts(String translation) {
            List<String> t = texts.get(translation);
            if (t == null) {
                throw new IllegalArgumentException("no translation " + translation + "; there are " + TRANSLATIONS);
            }
            return t;
        }

        /** The first {@code n} verses (all when n ≥ size). */
        Split head(int n) {
            if (n >= size()) {
                return this;
            }
            Map<String, List<String>> t = new LinkedHashMap<>();
            texts.forEach((k, v) -> t.put(k, v.subList(0, n)));
            return new Split(name, refs.subList(0, n), t);
        }
    }

    private final String source;
    private final Map<String, Split> splits;

    private BibleData(String source, Map<String, Split> splits) {
        this.source = source;
        this.splits = splits;
    }

    /** Where the verses came from, for reports. */
    String source() {
        return source;
    }

    Split split(String name) {
        Split s = splits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no split " + name + "; there are " + SPLITS);
        }
        return s;
    }

    /** The first {@code n} verses of every split (a quick run), or this when no split is longer. */
    BibleData head(int n) {
        Map<String, Split> h = new LinkedHashMap<>();
        splits.forEach((k, v) -> h.put(k, v.head(n)));
        return new BibleData(source + ", the first " + n + " verses of each split", h);
    }

    /** The slice embedded in the command line. */
    static BibleData embedded() throws IOException {
        try (InputStream raw = BibleData.class.getResourceAsStream(SLICE)) {
            if (raw == null) {
                throw new IllegalStateException("the embedded Bible slice " + SLICE + " is missing from the class path");
            }
            return slice(new GZIPInputStream(raw), "embedded slice " + SLICE);
        }
    }

    /**
     * A slice file: a header line {@code split book chapter verse kjv web rv1909}, then one verse a line (tab
     * separated).
     */
    static BibleData slice(InputStream in, String name) throws IOException {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> texts = new LinkedHashMap<>();
        for (String s : SPLITS) {
            refs.put(s, new ArrayList<>());
            Map<String, List<String>> t = new LinkedHashMap<>();
            for (String tr : TRANSLATIONS) {
                t.put(tr, new ArrayList<>());
            }
            texts.put(s, t);
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        String expected = "split\tbook\tchapter\tverse\t" + String.join("\t", TRANSLATIONS);
        if (!expected.equals(header)) {
            throw new InputException(name + ": the header is '" + header + "', expected '" + expected + "'");
        }
        String line;
        int no = 1;
        while ((line = r.readLine()) != null) {
            no++;
            String[] f = line.split("\t", -1);
            if (f.length != 4 + TRANSLATIONS.size() || !refs.containsKey(f[0])) {
                throw new InputException(name + " line " + no + ": expected " + (4 + TRANSLATIONS.size())
                        + " tab-separated fields starting with one of " + SPLITS + ", found " + f.length);
            }
            refs.get(f[0]).add(f[1] + " " + f[2] + ":" + f[3]);
            for (int i = 0; i < TRANSLATIONS.size(); i++) {
                texts.get(f[0]).get(TRANSLATIONS.get(i)).add(nonEmpty(f[4 + i], name, no));
            }
        }
        Map<String, Split> splits = new LinkedHashMap<>();
        for (String s : SPLITS) {
            splits.put(s, new Split(s, refs.get(s), texts.get(s)));
        }
        return new BibleData(name, splits);
    }

    /**
     * The full extraction in {@code dir} ({@code scripts/bible-extract --out DIR}): for every split and translation
     * {@code DIR/SPLIT/TRANSLATION.tsv} with lines book, chapter, verse, text; the three files of a split must list
     * the same references in the same order.
     *
     * @throws InputException if a file is missing or malformed, or the translations disagree on a reference
     */
    static BibleData directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InputException("--data " + dir + ": not a directory (write it with scripts/bible-extract --out "
                    + dir + " after apt-get install sword-text-kjv sword-text-web sword-text-sparv libsword-utils)");
        }
        Map<String, Split> splits = new LinkedHashMap<>();
        for (String s : SPLITS) {
            List<String> refs = null;
            Map<String, List<String>> texts = new LinkedHashMap<>();
            for (String tr : TRANSLATIONS) {
                Path file = dir.resolve(s).resolve(tr + ".tsv");
                if (!Files.isRegularFile(file)) {
                    throw new InputException("--data " + dir + ": " + file + " is missing (write it with"
                            + " scripts/bible-extract --out " + dir + ")");
                }
                List<String> r = new ArrayList<>();
                List<String> t = new ArrayList<>();
                int no = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    no++;
                    String[] f = line.split("\t", -1);
                    if (f.length != 4) {
                        throw new InputException(file + " line " + no + ": expected 4 tab-separated fields (book,"
                                + " chapter, verse, text), found " + f.length);
                    }
                    r.add(f[0] + " " + f[1] + ":" + f[2]);
                    t.add(nonEmpty(f[3], file.toString(), no));
                }
                if (refs == null) {
                    refs = r;
                } else if (!refs.equals(r)) {
                    int i = 0;
                    while (i < Math.min(refs.size(), r.size()) && refs.get(i).equals(r.get(i))) {
                        i++;
                    }
                    throw new InputException(file + ": not aligned with " + TRANSLATIONS.getFirst() + " at row "
                            + (i + 1) + " (" + (i < r.size() ? r.get(i) : "end of file") + " against "
                            + (i < refs.size() ? refs.get(i) : "end of file") + ")");
                }
                texts.put(tr, t);
            }
            splits.put(s, new Split(s, refs, texts));
        }
        return new BibleData(dir.toString(), splits);
    }

    private static String nonEmpty(String text, String file, int line) {
        if (text.isBlank()) {
            throw new InputException(file + " line " + line + ": empty verse text");
        }
        return text;
    }
}
