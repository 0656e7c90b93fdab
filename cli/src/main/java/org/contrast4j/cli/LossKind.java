package org.contrast4j.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import picocli.CommandLine;

/** The losses of {@code contrast4j loss}, with the input files and options each one takes. */
enum LossKind {
    INFONCE("infonce", Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL,
            "--temperature", "--learnable-temperature", "--symmetric", "--max-logit-scale", "--engine"),
    CLIP("clip", Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL,
            "--temperature", "--learnable-temperature", "--max-logit-scale", "--engine"),
    NTXENT("ntxent", Use.REQUIRED, Use.NO, Use.NO, "--temperature", "--learnable-temperature"),
    SUPCON("supcon", Use.OPTIONAL, Use.NO, Use.REQUIRED,
            "--temperature", "--learnable-temperature", "--base-temperature"),
    SIGLIP("siglip", Use.REQUIRED, Use.NO, Use.NO,
            "--temperature", "--learnable-temperature", "--bias", "--learnable-bias"),
    DCL("dcl", Use.REQUIRED, Use.NO, Use.NO, "--temperature", "--learnable-temperature"),
    DCLW("dclw", Use.REQUIRED, Use.NO, Use.NO, "--temperature", "--learnable-temperature", "--sigma"),
    MARGIN("margin", Use.REQUIRED, Use.OPTIONAL, Use.OPTIONAL, "--positive-margin", "--negative-margin"),
    TRIPLET("triplet", Use.REQUIRED, Use.REQUIRED, Use.NO, "--margin", "--softplus");

    /** Whether a loss takes an input file. */
    enum Use { REQUIRED, OPTIONAL, NO }

    /** Options every loss takes. */
    static final Set<String> COMMON = Set.of("--loss", "--out", "--anchors", "--similarity", "--reduction",
            "--help", "--version");

    final String key;
    private final Use positives;
    private final Use negatives;
    private final Use labels;
    private final Set<String> options;

    LossKind(String key, Use positives, Use negatives, Use labels, String... options) {
        this.key = key;
        this.positives = positives;
        this.negatives = negatives;
        this.labels = labels;
        this.options = Set.of(options);
    }

    /** How this loss uses the input file of {@code option} (--positives, --negatives, --labels). */
    Use use(String option) {
        return switch (option) {
            case "--positives" -> positives;
            case "--negatives" -> negatives;
            case "--labels" -> labels;
            default -> throw new IllegalStateException("not an input option: " + option);
        };
    }

    /** Whether {@code option} (its long name) applies to this loss. */
    boolean accepts(String option) {
        if (COMMON.contains(option)) {
            return true;
        }
        if (option.equals("--positives") || option.equals("--negatives") || option.equals("--labels")) {
            return use(option) != Use.NO;
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
