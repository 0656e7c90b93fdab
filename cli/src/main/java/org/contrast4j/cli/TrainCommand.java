package org.contrast4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code contrast4j train}: the trainers; {@code train images} is the contrastive image trainer, {@code train words}
 * the skip-gram word-vector trainer.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        subcommands = {TrainImagesCommand.class, TrainWordsCommand.class, TrainPairsCommand.class},
        description = "Trains representations with the contrastive losses. Subcommands: images, words, pairs.")
final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: images, words or pairs");
    }
}
