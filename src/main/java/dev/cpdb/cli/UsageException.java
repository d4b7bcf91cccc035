package dev.cpdb.cli;

/**
 * Wrong command-line arguments; the message says what is wrong, the command's usage is printed after it.
 */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
