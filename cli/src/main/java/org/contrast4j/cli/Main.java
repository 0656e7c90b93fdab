package org.contrast4j.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.contrast4j.linalg.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code contrast4j} command line: contrastive losses with their exact gradients, and representation metrics, on
 * NumPy {@code .npy} files.
 *
 * <ul>
 *   <li>{@code contrast4j loss --loss infonce --anchors A.npy --positives P.npy --out DIR} computes a loss and writes
 *       {@code DIR/result.json} (value, per-row losses, scalar gradients, terms) and one float32
 *       {@code DIR/grad_<input>.npy} per input file, shaped like that input;</li>
 *   <li>{@code contrast4j metrics --x X.npy --y Y.npy} reports alignment, uniformity, collapse, temperature hardness
 *       and the InfoNCE mutual-information bound, as a table and as JSON;</li>
 *   <li>{@code contrast4j demo} trains small contrastive image encoders on an embedded Fashion-MNIST slice and writes
 *       a summary and an HTML report;</li>
 *   <li>{@code contrast4j train images} runs the image trainer on the full Fashion-MNIST;</li>
 *   <li>{@code contrast4j experiment nce|mi} runs the NCE and mutual-information experiments;</li>
 *   <li>{@code contrast4j bench infonce --n N --dim D [--symmetric] [--threads T] [--engine E]} times InfoNCE
 *       forward + backward on seeded random inputs ({@link BenchCommand});</li>
 *   <li>{@code contrast4j train words --corpus FILE --objective neg --out DIR} trains skip-gram word vectors
 *       ({@link TrainWordsCommand});</li>
 *   <li>{@code contrast4j neighbours --vectors FILE WORD} prints the nearest words by cosine in a word2vec file;</li>
 *   <li>{@code contrast4j compare words --corpus FILE --out DIR} trains every skip-gram objective with the same
 *       settings and writes {@code DIR/report.html}, {@code DIR/compare.json} and the vectors;</li>
 *   <li>{@code contrast4j search|evaluate|mine} — exact top-k search, retrieval metrics against qrels, hard-negative
 *       mining ({@link SearchCommand}, {@link EvaluateCommand}, {@link MineCommand}).</li>
 *   <li>{@code contrast4j embed --text FILE.txt --out E.npy} embeds one sentence per line with all-MiniLM-L6-v2
 *       ({@link EmbedCommand});</li>
 *   <li>{@code contrast4j spark words --corpus FILE --master local[2] --partitions P --out DIR} trains skip-gram on
 *       Apache Spark (module spark; the launcher adds Spark's classpath).</li>
 * </ul>
 *
 * <p>Exit codes: 0 on success; 2 with a one-line reason on stderr for bad arguments, unreadable or invalid input
 * files, inputs the library rejects (each command turns those rejections into an {@link InputException} naming the
 * option), an {@code --out} that cannot be written, and a job larger than the heap allows (with the memory it needs
 * and how to give it); 1 with one line for an I/O failure while running (a full disk), or for running out of memory
 * where no estimate says the job is too large; 1 with "internal error" and the stack trace for anything else — a
 * defect in the program, never reported as a user error. A failed run removes the output directory it created
 * ({@link OutputDir}). Run it through the {@code ./contrast4j} launcher at the repository root, which finds a JDK 25
 * and adds the JVM flags the kernels need.
 */
@Command(name = "contrast4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        subcommands = {DemoCommand.class, TrainCommand.class, LossCommand.class, MetricsCommand.class,
            ExperimentCommand.class, BenchCommand.class, NeighboursCommand.class, CompareCommand.class,
            SearchCommand.class, EvaluateCommand.class, MineCommand.class, IndexCommand.class, SparkCommand.class,
            EmbedCommand.class, HelpCommand.class},
        description = "Contrastive losses with exact gradients, and representation metrics, on NumPy .npy files.",
        footer = {"", "Exit codes: 0 success, 2 bad arguments or input (one line on stderr), 1 I/O or internal"
                + " error.", "More memory: CONTRAST4J_JAVA_OPTS=-Xmx8g ./contrast4j COMMAND …",
            "Run 'contrast4j COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    /** Exit code for bad arguments or input. */
    static final int BAD_INPUT = 2;
    /** Exit code for an output that cannot be written, or an internal error. */
    static final int FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        CommandLine cli = newCommandLine()
                .setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(cli.execute(args));
    }

    /**
     * A command line with this program's error handling: one line on stderr and exit code 2 for bad arguments and
     * bad input; 1 for output and internal errors. Set its out/err writers to capture the output.
     */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Main());
        versionEverywhere(cli);
        cli.setParameterExceptionHandler(Main::badArguments);
        cli.setExecutionExceptionHandler(Main::failed);
        cli.setExecutionStrategy(Main::execute);
        return cli;
    }

    /** Every subcommand's {@code --version} prints the program's version (picocli leaves it empty otherwise). */
    private static void versionEverywhere(CommandLine cli) {
        cli.getCommandSpec().versionProvider(new Version());
        for (CommandLine sub : cli.getSubcommands().values()) {
            versionEverywhere(sub);
        }
    }

    /**
     * Runs the command the arguments chose, with the bookkeeping around it: output directories created by a failed
     * run are removed ({@link OutputDir}), and running out of memory becomes a one-line answer with the memory the
     * job needs ({@link Memory}) instead of a stack trace.
     */
    private static int execute(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (!last.isUsageHelpRequested() && !last.isVersionHelpRequested()) {
            try {
                Kernels.kind();   // a bad -Dcontrast4j.kernel, or a forced kernel that cannot run, is the user's to fix
            } catch (IllegalArgumentException | IllegalStateException e) {
                CommandLine cmd = last.commandSpec().commandLine();
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage()));
                cmd.getErr().flush();
                return BAD_INPUT;
            }
        }
        OutputDir.begin();
        Memory.begin();
        try {
            int code = new CommandLine.RunLast().execute(parsed);
            if (code == 0) {
                OutputDir.end();
            } else {
                OutputDir.abandonAll();
            }
            return code;
        } catch (RuntimeException e) {
            OutputDir.abandonAll();
            throw e;
        } catch (OutOfMemoryError e) {
            OutputDir.abandonAll();
            List<CommandLine> chain = parsed.asCommandLineList();
            CommandLine cmd = chain.get(chain.size() - 1);
            throw new CommandLine.ExecutionException(cmd, "out of memory", Memory.exhausted(e));
        } finally {
            Memory.begin();
        }
    }

    @Override
    public void run() {
        // no subcommand
        java.util.List<String> names = spec.subcommands().values().stream().distinct()
                .map(CommandLine::getCommandName).filter(name -> !name.equals("help")).toList();
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: " + String.join(", ", names));
    }

    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + oneLine(e.getMessage()) + " (see '" + name + " --help')");
        cmd.getErr().flush();
        return BAD_INPUT;
    }

    private static int failed(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = cmd.getCommandSpec().qualifiedName();
        PrintWriter err = cmd.getErr();
        int code;
        if (e instanceof InputException) {
            err.println(name + ": " + oneLine(e.getMessage()));
            code = BAD_INPUT;
        } else if (e instanceof Memory.Exhausted m) {
            err.println(name + ": " + oneLine(m.getMessage()));
            code = m.tooLarge() ? BAD_INPUT : FAILURE;
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            Throwable io = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            err.println(name + ": I/O error: " + oneLine(io.getClass().getSimpleName() + ": " + io.getMessage()));
            code = FAILURE;
        } else {
            err.println(name + ": internal error: " + oneLine(String.valueOf(e)));
            e.printStackTrace(err);
            code = FAILURE;
        }
        err.flush();
        return code;
    }

    static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The version from the jar manifest, when run from the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"contrast4j " + (v == null ? "(development build)" : v)};
        }
    }
}
