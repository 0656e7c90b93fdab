package org.contrast4j.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import picocli.CommandLine;

/**
 * The losses of {@code contrast4j loss}, with the input files and options each one takes. Two families: the
 * contrastive losses read {@code --anchors} and friends into a {@code Batch}; the class-scoring losses read
 * {@code --queries}, {@code --classes} and friends into a {@code ClassBatch}.
 */
enum LossKind {
    INFONCE("infonce", contrastive(Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL),
            "--temperature", "--learnable-temperature", "--symmetric", "--max-logit-scale", "--engine",
            "--ids", "--guide-anchors", "--guide-positives", "--guide-margin", "--log-q", "--negatives-log-q"),
    CLIP("clip", contrastive(Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL),
            "--temperature", "--learnable-temperature", "--max-logit-scale", "--engine",
            "--ids", "--guide-anchors", "--guide-positives", "--guide-margin"),
    NTXENT("ntxent", contrastive(Use.REQUIRED, Use.NO, Use.NO), "--temperature", "--learnable-temperature",
            "--engine", "--guide-anchors", "--guide-positives", "--guide-margin"),
    SUPCON("supcon", contrastive(Use.OPTIONAL, Use.NO, Use.REQUIRED),
            "--temperature", "--learnable-temperature", "--base-temperature", "--engine",
            "--guide-anchors", "--guide-positives", "--guide-margin"),
    SIGLIP("siglip", contrastive(Use.REQUIRED, Use.NO, Use.NO),
            "--temperature", "--learnable-temperature", "--bias", "--learnable-bias"),
    DCL("dcl", contrastive(Use.REQUIRED, Use.NO, Use.NO), "--temperature", "--learnable-temperature", "--engine",
            "--guide-anchors", "--guide-positives", "--guide-margin"),
    DCLW("dclw", contrastive(Use.REQUIRED, Use.NO, Use.NO), "--temperature", "--learnable-temperature", "--sigma",
            "--engine", "--guide-anchors", "--guide-positives", "--guide-margin"),
    MARGIN("margin", contrastive(Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL), "--positive-margin", "--negative-margin",
            "--mining"),
    TRIPLET("triplet", contrastive(Use.REQUIRED, Use.REQUIRED, Use.NO), "--margin", "--softplus", "--mining"),
    SOFTMAX("softmax", classScoring(Use.NO, Use.NO)),
    NCE("nce", classScoring(Use.REQUIRED, Use.REQUIRED),
            "--remove-accidental-hits", "--log-normaliser", "--learnable-log-normaliser"),
    NEG("neg", classScoring(Use.REQUIRED, Use.NO), "--remove-accidental-hits"),
    SAMPLED_SOFTMAX("sampled-softmax", classScoring(Use.REQUIRED, Use.REQUIRED), "--remove-accidental-hits");

    /** Whether a loss takes an input file. */
    enum Use { REQUIRED, OPTIONAL, NO }

    /** Options every loss takes. */
    static final Set<String> COMMON = Set.of("--loss", "--out", "--reduction", "--help", "--version");

    /** Options every contrastive loss takes besides its own. */
    static final Set<String> CONTRASTIVE_COMMON = Set.of("--similarity", "--matryoshka-dims", "--matryoshka-weights");

    /** The input-file options of both families, in the order of the usage table. */
    static final List<String> INPUTS = List.of("--anchors", "--positives", "--negatives", "--labels", "--queries",
            "--classes", "--class-bias", "--targets", "--samples", "--noise");

    final String key;
    private final Map<String, Use> inputs;
    private final Set<String> options;

    LossKind(String key, Map<String, Use> inputs, String... options) {
        this.key = key;
        this.inputs = inputs;
        this.options = Set.of(options);
    }

    private static Map<String, Use> contrastive(Use positives, Use negatives, Use labels) {
        return Map.of("--anchors", Use.REQUIRED, "--positives", positives, "--negatives", negatives,
                "--labels", labels);
    }

    private static Map<String, Use> classScoring(Use samples, Use noise) {
        return Map.of("--queries", Use.REQUIRED, "--classes", Use.REQUIRED, "--class-bias", Use.OPTIONAL,
                "--targets", Use.REQUIRED, "--samples", samples, "--noise", noise);
    }

    /** Whether this is a class-scoring loss (queries against a class table) rather than a contrastive one. */
    boolean classScoring() {
        return inputs.containsKey("--queries");
    }

    /** How this loss uses the input file of {@code option} (one of {@link #INPUTS}). */
    Use use(String option) {
        if (!INPUTS.contains(option)) {
            throw new IllegalStateException("not an input option: " + option);
        }
        return inputs.getOrDefault(option, Use.NO);
    }

    /** Whether {@code option} (its long name) applies to this loss. */
    boolean accepts(String option) {
        if (COMMON.contains(option)) {
            return true;
        }
        if (INPUTS.contains(option)) {
            return use(option) != Use.NO;
        }
        if (!classScoring() && CONTRASTIVE_COMMON.contains(option)) {
            return true;
        }
        return options.contains(option);
    }

    /** "infonce, clip" — the losses {@code option} applies to. */
    static String acceptedBy(String option) {
        StringJoiner j = new StringJoiner(", ");
        for (LossKind k : values()) {
            if (k.accepts(option)) {
                j.add(k.key);
            }
        }
        return j.toString();
    }

    static LossKind parse(String s) {
        for (LossKind k : values()) {
            if (k.key.equals(s)) {
                return k;
            }
        }
        throw new CommandLine.TypeConversionException("expected one of " + names() + " but was '" + s + "'");
    }

    static String names() {
        return String.join(", ", new Names());
    }

    /** Converts the {@code --loss} value. */
    static final class Converter implements CommandLine.ITypeConverter<LossKind> {
        @Override
        public LossKind convert(String value) {
            return parse(value);
        }
    }

    /** The {@code --loss} values, for the usage help. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (LossKind k : values()) {
                names.add(k.key);
            }
            return names.iterator();
        }
    }
}
