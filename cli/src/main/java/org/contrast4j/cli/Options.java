package org.contrast4j.cli;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turning the library's rejections into answers about options: the library names its settings as Java does
 * ({@code hiddenDim}); a user typed {@code --hidden-dim}. Every builder call with a user's value goes through
 * {@link #set} or {@link #check}, so an {@link IllegalArgumentException} that reaches {@link Main} is a defect of the
 * program, not bad input.
 */
final class Options {
    private Options() {
    }

    /** Calls {@code setter} with the option's value (unless null), naming the option if the value is rejected. */
    static <T> void set(String option, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            // "hiddenDim must be >= 1, was 0" → "--hidden-dim must be >= 1, was 0"; else "--opt VALUE: message"
            String m = optionNames(e.getMessage());
            throw new InputException(m.startsWith(option + " ") ? m : option + " " + text(value) + ": " + m, e);
        }
    }

    /** A value as the user typed it: an array as its comma-separated elements. */
    private static String text(Object value) {
        if (value instanceof int[] a) {
            return java.util.Arrays.stream(a).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(
                    ","));
        }
        return String.valueOf(value);
    }

    /**
     * Runs a library call that checks the user's input as a whole (e.g. building a batch from the input files) and
     * reports its rejection as bad input, prefixed with {@code what} and with Java setting names turned into options.
     */
    static <T> T check(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            String m = optionNames(e.getMessage());
            throw new InputException(what == null || what.isEmpty() ? m : what + ": " + m, e);
        }
    }

    /** The Java names of the trainers' settings that differ from their options (file names are left alone). */
    private static final Pattern CAMEL = Pattern.compile("(?<![\\w/-])(hiddenDim|embeddingDim|headHiddenDim"
            + "|projectionDim|learnableTemperature|batchSize|learningRate|knnK|probeSteps|chunkSize|cropScaleMin"
            + "|flipProbability|maxShift|noiseStd|eraseProbability|noisePower|minCount|evalSamples|negativeMargin"
            + "|positiveMargin|maxLogitScale|baseTemperature|learnableBias|logNormaliser|learnableLogNormaliser"
            + "|removeAccidentalHits)(?![\\w-])");

    /**
     * {@code message} with each of the trainers' camelCase setting names (a Java field name such as
     * {@code learningRate}) written as the option ({@code --learning-rate}).
     */
    static String optionNames(String message) {
        if (message == null) {
            return "(no message)";
        }
        Matcher m = CAMEL.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(option(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The option of a setting's Java name: {@code hiddenDim} → {@code --hidden-dim}. */
    static String option(String javaName) {
        return switch (javaName) {
            case "knnK" -> "--knn-k";
            case "noisePower" -> "--noise-power";
            case "minCount" -> "--min-count";
            case "evalSamples" -> "--eval-samples";
            default -> "--" + javaName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        };
    }
}
