package org.contrast4j.embed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of {@link Evaluation#analogies}: how many questions "a is to b as c is to ?" were answered correctly
 * among those whose four words are all in the restricted vocabulary.
 *
 * @param accuracy correct / seen, or NaN when no question could be asked (seen = 0)
 * @param correct questions whose best answer was the expected word
 * @param seen questions asked (all four words in the restricted vocabulary)
 * @param total questions in the file; total − seen were skipped for a word outside the restricted vocabulary
 * @param perSection the same counts per section of the file (": capital-common-countries" …), in file order
 */
public record AnalogyResult(double accuracy, int correct, int seen, int total, Map<String, Section> perSection) {

    /** Counts of one section of the questions file. */
    public record Section(String name, int correct, int seen, int total) {
        /** correct / seen, or NaN when seen = 0. */
        public double accuracy() {
            return seen == 0 ? Double.NaN : (double) correct / seen;
        }

        /**
         * Whether this is a syntactic section: in Mikolov's question set the syntactic sections are named
         * "gram…" (gram1-adjective-to-adverb … gram9-plural-verbs), the semantic ones are not.
         */
        public boolean syntactic() {
            return name.startsWith("gram");
        }
    }

    /** Copies the section map (unmodifiable, order kept). */
    public AnalogyResult {
        perSection = Collections.unmodifiableMap(new LinkedHashMap<>(perSection));
    }

    /** Questions skipped because a word is outside the restricted vocabulary (total − seen). */
    public int skipped() {
        return total - seen;
    }

    /** Accuracy over the semantic sections (those not named "gram…"), NaN when none was asked. */
    public double semanticAccuracy() {
        return accuracyWhere(false);
    }

    /** Accuracy over the syntactic sections (named "gram…"), NaN when none was asked. */
    public double syntacticAccuracy() {
        return accuracyWhere(true);
    }

    private double accuracyWhere(boolean syntactic) {
        long c = 0;
        long s = 0;
        for (Section sec : perSection.values()) {
            if (sec.syntactic() == syntactic) {
                c += sec.correct();
                s += sec.seen();
            }
        }
        return s == 0 ? Double.NaN : (double) c / s;
    }
}
