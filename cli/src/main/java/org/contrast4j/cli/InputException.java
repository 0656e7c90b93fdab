package org.contrast4j.cli;

/**
 * A problem with what the user gave the command line — an unreadable or invalid input file, inputs that do not fit
 * together, an option that does not apply. {@link Main} prints its one-line message on stderr and exits with 2.
 */
final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
