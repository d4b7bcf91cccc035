package dev.cpdb.problem;

import java.util.Optional;
import java.util.function.Function;

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

    /** Unwraps a lookup's result, failing with this exception (a 404) when nothing was found. */
    public static <T> Function<Optional<T>, T> orNotFound(String entity, Object id) {
        return found -> found.orElseThrow(() -> new EntityNotFoundException(entity, id));
    }
}
