package dev.cpdb.problem;

/**
 * The request conflicts with the stored data (a duplicate name, a record still referenced by others): answered 409.
 */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
