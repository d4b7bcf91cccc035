package dev.cpdb.cli;

/**
 * A command could not do its work; the message is printed as the command's one-line reason.
 */
public class CommandFailedException extends RuntimeException {

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
