package dev.cpdb.problem;

/**
 * The addressed record does not exist, or belongs to a company the caller may not see (the two are answered the same
 * way, 404, so ids of other companies do not leak).
 */
public class EntityNotFoundException extends RuntimeException {

    public EntityNotFoundException(String entity, Object id) {
        super("No " + entity + " with id " + id, null, false, false);
    }

    public EntityNotFoundException(String message) {
        super(message, null, false, false);
    }
}
