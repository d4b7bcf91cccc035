package dev.cpdb.database.embedded;

/**
 * The embedded PostgreSQL server could not be prepared, started or stopped; the message says what to do.
 */
public class EmbeddedPostgresException extends RuntimeException {

    public EmbeddedPostgresException(String message) {
        super(message);
    }

    public EmbeddedPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
