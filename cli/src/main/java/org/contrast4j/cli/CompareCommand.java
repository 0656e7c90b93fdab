package org.contrast4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code contrast4j compare}: groups the comparisons (today {@code compare words}). */
@Command(name = "compare", mixinStandardHelpOptions = true, subcommands = CompareWordsCommand.class,
        description = "Trains several objectives with the same settings and reports what each costs and buys.")
final class CompareCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing what to compare: words");
    }
}
