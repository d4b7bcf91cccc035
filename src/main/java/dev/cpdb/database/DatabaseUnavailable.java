package dev.cpdb.database;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Optional;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Recognises failures that mean the database (or the pooler in front of it) is unavailable for a while rather than a
 * bug: refused or lost connections, PostgreSQL shutting down or starting (57P01, 57P02, 57P03), too many clients
 * (53300), PgBouncer's own refusals (login to the server failing, no server connection within its wait, client limit),
 * and no runtime connection within the acquire timeout. Requests that fail this way answer 503 with
 * {@code Retry-After}.
 */
public final class DatabaseUnavailable {

    /** Seconds a client should wait before it retries; short because most outages are restarts of a few seconds. */
    public static final int RETRY_AFTER_SECONDS = 5;

    /** PgBouncer's wording of its refusals (it sends them as SQLSTATE 08P01), with what each means. */
    private static final String[][] PGBOUNCER_MESSAGES = {
            { "server login has been failing", "the pooler cannot log in to PostgreSQL (server_login_retry)" },
            { "pgbouncer cannot connect to server", "the pooler cannot connect to PostgreSQL" },
            { "query_wait_timeout", "the pooler had no server connection free within query_wait_timeout" },
            { "no more connections allowed", "the pooler's client connection limit is reached (max_client_conn)" },
            { "client_login_timeout", "the pooler timed out the login (client_login_timeout)" },
            { "server conn crashed", "the pooler lost its server connection" },
            { "server_login_retry", "the pooler cannot log in to PostgreSQL (server_login_retry)" },
            { "pooler error", "the pooler refused the connection" },
            { "database removed", "the pooler no longer serves this database" },
            { "shutting down", "the pooler is shutting down" },
    };

    private DatabaseUnavailable() {
    }

    /** The cause in a few words when {@code failure} (or one of its causes) means the database is unavailable. */
    public static Optional<String> cause(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 8; depth++) {
            Optional<String> cause = direct(current);
            if (cause.isPresent()) {
                return cause;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return Optional.empty();
    }

    private static Optional<String> direct(Throwable failure) {
        if (failure instanceof PgException e) {
            return postgres(e);
        }
        if (failure instanceof ConnectTimeoutException) {
            return Optional.of("connecting to the database timed out");
        }
        if (failure instanceof ConnectException) {
            return Optional.of("the database refused the connection");
        }
        if (failure instanceof ClosedConnectionException) {
            return Optional.of("the connection to the database was lost");
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (failure instanceof IOException && message.toLowerCase(Locale.ROOT).contains("connection reset")) {
            return Optional.of("the connection to the database was lost");
        }
        if (message.startsWith("Connection is not active now") || message.equals("Connection is closed")) {
            return Optional.of("the connection to the database was lost");
        }
        if (message.startsWith("Timeout")) {
            // The runtime pool's acquire timeout: no connection could be had, or made, in time.
            return Optional.of("no database connection became available in time");
        }
        return Optional.empty();
    }

    private static Optional<String> postgres(PgException e) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        String message = e.getErrorMessage() == null ? "" : e.getErrorMessage().toLowerCase(Locale.ROOT);
        switch (state) {
            case "57P01" :
                return Optional.of("the database server is shutting down or restarting (57P01)");
            case "57P02" :
                return Optional.of("the database server crashed and is restarting (57P02)");
            case "57P03" :
                return Optional.of("the database server is starting up or not accepting connections (57P03)");
            case "53300" :
                return Optional.of("the database has too many clients (53300)");
            case "08P01" :
                for (String[] known : PGBOUNCER_MESSAGES) {
                    if (message.contains(known[0])) {
                        return Optional.of(known[1]);
                    }
                }
                return Optional.empty();
            default :
                if (state.startsWith("08")) {
                    return Optional.of("the connection to the database failed (" + state + ")");
                }
                return Optional.empty();
        }
    }
}
