package dev.cpdb.problem;

/**
 * The caller is known and may see the record, but not do this with it (an agent reading another agent's
 * environment): answered 403.
 */
public class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message, null, false, false);
    }
}
