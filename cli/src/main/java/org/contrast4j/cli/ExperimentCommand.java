package org.contrast4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code contrast4j experiment}: the article's claims, measured. {@code mi} — the InfoNCE bound log N − L against the
 * known mutual information of correlated Gaussians; {@code nce} — NCE, negative sampling, sampled softmax and the full
 * softmax learning a known categorical distribution. The experiments live in core
 * ({@code org.contrast4j.experiment}); these commands parse options, print plain progress lines on stderr and a
 * table on stdout, and write {@code DIR/result.json} when {@code --out DIR} is given.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        subcommands = {MiExperimentCommand.class, NceExperimentCommand.class},
        description = {"Runs an experiment that checks a claim of the theory on synthetic data with a known answer.",
            "Progress goes to stderr as plain lines, the table to stdout, and --out DIR/result.json gets the rows."},
        footer = {"", "Run 'contrast4j experiment mi --help' or 'contrast4j experiment nce --help' for the options."})
final class ExperimentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing experiment: mi or nce");
    }

    /** Progress lines of an experiment, each printed and flushed on the command's stderr. */
    static Consumer<String> progress(CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println(line);
            err.flush();
        };
    }

    /**
     * Prints the title and the table on the command's stdout and, when {@code dir} is not null, writes
     * {@code DIR/result.json} (creating DIR) and says so.
     */
    static void report(CommandLine.Model.CommandSpec spec, String title, Columns table, ObjectNode json, Path dir)
            throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        o.println(title);
        table.print(o);
        if (dir != null) {
            Path file = dir.resolve("result.json");
            Output.writeJson(file, json);
            o.println("wrote " + file);
        }
        o.flush();
    }

    /** A table with a header and right-aligned columns (the first left-aligned). */
    static final class Columns {
        private final List<String[]> rows = new ArrayList<>();

        Columns(String... header) {
            rows.add(header);
        }

        Columns row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = String.valueOf(cells[i]);
            }
            rows.add(r);
            return this;
        }

        void print(PrintWriter out) {
            int cols = rows.getFirst().length;
            int[] w = new int[cols];
            for (String[] r : rows) {
                for (int c = 0; c < cols; c++) {
                    w[c] = Math.max(w[c], r[c].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < cols; c++) {
                    String pad = " ".repeat(w[c] - r[c].length());
                    line.append(c == 0 ? r[c] + pad : "  " + pad + r[c]);
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }

    /** A fixed-point number for the tables. */
    static String fixed(double v, int digits) {
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }
}
