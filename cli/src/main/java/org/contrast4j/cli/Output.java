package org.contrast4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.contrast4j.io.AtomicFiles;

/** What the commands print and write: aligned two-column tables, JSON documents, output directories. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The JSON text of {@code node}, ending with a newline. */
    static String json(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    /** Writes {@code node} to {@code file} atomically. */
    static void writeJson(Path file, ObjectNode node) throws IOException {
        byte[] bytes = json(node).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * A library object's settings for people, from its {@code toString()} of the form {@code Name{key=value, …}}:
     * "key value, …" with camelCase keys spaced ({@code learnableTemperature} → "learnable temperature") and
     * upper-case enum values lower-cased ({@code COSINE} → "cosine"). Any other form is returned as it is.
     */
    static String settings(Object o) {
        String s = String.valueOf(o);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\w+\\{(.*)}$").matcher(s);
        if (!m.matches()) {
            return s;
        }
        List<String> parts = new ArrayList<>();
        for (String kv : m.group(1).split(",\\s*(?![^{]*})")) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                parts.add(kv.strip());
                continue;
            }
            String key = kv.substring(0, eq).strip().replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
            String value = kv.substring(eq + 1).strip();
            if (value.matches("[A-Z][A-Z0-9_]*")) {
                value = value.toLowerCase(Locale.ROOT).replace('_', '-');
            } else if (value.equals("true") || value.equals("false")) {
                value = value.equals("true") ? "yes" : "no";
            }
            parts.add(key + " " + value);
        }
        return String.join(", ", parts);
    }

    /**
     * Prepares {@code dir} as an output directory ({@link OutputDir#prepare}: created, checked writable, removed again
     * if the run fails) for a command that names no files of its own to clear.
     */
    static void directory(String option, Path dir) {
        OutputDir.prepare(option, dir);
    }

    /** A number for people: 7 significant digits, plain notation when reasonable. */
    static String number(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        return a >= 1e-4 && a < 1e7 ? String.format(Locale.ROOT, "%.7g", v).replaceAll("(\\.\\d*?)0+$", "$1")
                .replaceAll("\\.$", "") : String.format(Locale.ROOT, "%.6e", v);
    }

    /** A two-column table, the keys padded to one width. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table row(String key, Object value) {
            rows.add(new String[] {key, value instanceof Double d ? number(d) : String.valueOf(value)});
            return this;
        }

        void print(PrintWriter out) {
            int w = 0;
            for (String[] r : rows) {
                w = Math.max(w, r[0].length());
            }
            for (String[] r : rows) {
                out.println(r[0] + " ".repeat(w - r[0].length() + 2) + r[1]);
            }
            out.flush();
        }
    }
}
