package org.contrast4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code contrast4j train}: the trainers; {@code train images} is the contrastive image trainer. */
@Command(name = "train", mixinStandardHelpOptions = true, subcommands = {TrainImagesCommand.class},
        description = "Trains representations with the contrastive losses. Subcommand: images.")
final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: images");
    }
}
