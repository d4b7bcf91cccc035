package dev.cpdb.problem;

/**
 * The request itself is wrong (body shape, field types or lengths, query parameters, ids): answered 400 with the
 * message as detail, which says what to fix. Never retryable as is.
 */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message, null, false, false);
    }
}
