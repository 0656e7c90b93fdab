package org.contrast4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.contrast4j.embed.WordVectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code contrast4j neighbours --vectors FILE WORD}: the nearest words by cosine similarity. */
@Command(name = "neighbours", aliases = "neighbors", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the K words nearest to WORD by cosine similarity in a word2vec vectors file (text or"
                + " binary, detected), most similar first."},
        footer = {"", "Example:", "  contrast4j neighbours --vectors out/vectors.txt king --k 5"})
final class NeighboursCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "FILE",
            description = "word2vec vectors, text or binary (as written by 'train words' or gensim).")
    Path vectors;

    @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "How many neighbours (default 10).")
    int k;

    @Parameters(index = "0", paramLabel = "WORD", description = "The word (exact match; vectors trained here are"
            + " lower-case).")
    String word;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new InputException("--k must be >= 1, was " + k);
        }
        WordVectors v = read("--vectors", vectors);
        if (!v.contains(word)) {
            String lower = word.toLowerCase(Locale.ROOT);
            throw new InputException("unknown word '" + word + "': not among the " + v.size() + " words of "
                    + vectors + (!lower.equals(word) && v.contains(lower) ? " (did you mean '" + lower + "'?)" : ""));
        }
        List<WordVectors.Neighbour> near = v.nearest(word, k);
        PrintWriter out = spec.commandLine().getOut();
        out.println("nearest to '" + word + "' in " + vectors + " (" + v.size() + " words × " + v.dimension()
                + "), by cosine:");
        int w = "word".length();
        for (WordVectors.Neighbour n : near) {
            w = Math.max(w, n.word().length());
        }
        int rw = Integer.toString(near.size()).length();
        out.println(pad("#", rw) + "  " + pad("word", w) + "  cosine");
        for (int i = 0; i < near.size(); i++) {
            out.println(pad(Integer.toString(i + 1), rw) + "  " + pad(near.get(i).word(), w) + "  "
                    + String.format(Locale.ROOT, "%.4f", near.get(i).cosine()));
        }
        out.flush();
        return 0;
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    /** Reads a vectors file; its format errors become one-line input errors naming the option. */
    static WordVectors read(String option, Path file) throws IOException {
        try {
            return WordVectors.read(file);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new InputException(option + " " + (m.startsWith("vectors ") ? m.substring(8) : m), e);
        }
    }
}
