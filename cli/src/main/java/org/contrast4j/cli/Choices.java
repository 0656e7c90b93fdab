package org.contrast4j.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.contrast4j.loss.Reduction;
import org.contrast4j.similarity.Similarity;
import picocli.CommandLine;

/** Lower-case option values for the library's enums ({@code cosine|dot}, {@code mean|sum|none}). */
final class Choices {
    private Choices() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        StringBuilder all = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            all.append(all.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new CommandLine.TypeConversionException("expected one of " + all + " but was '" + value + "'");
    }

    /** {@code cosine|dot}. */
    static final class SimilarityConverter implements CommandLine.ITypeConverter<Similarity> {
        @Override
        public Similarity convert(String value) {
            return parse(Similarity.class, value);
        }
    }

    /** {@code mean|sum|none}. */
    static final class ReductionConverter implements CommandLine.ITypeConverter<Reduction> {
        @Override
        public Reduction convert(String value) {
            return parse(Reduction.class, value);
        }
    }

    /** Help candidates for {@code --similarity}. */
    static final class SimilarityNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("cosine", "dot").iterator();
        }
    }

    /** Help candidates for {@code --reduction}. */
    static final class ReductionNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("mean", "sum", "none").iterator();
        }
    }
}
