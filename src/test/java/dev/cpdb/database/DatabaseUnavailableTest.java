package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which failures mean "the database is away for a while" (503) rather than a bug (500). SQLSTATEs are PostgreSQL's
 * (admin_shutdown 57P01, crash_shutdown 57P02, cannot_connect_now 57P03, too_many_connections 53300, class 08
 * connection exceptions); the messages are PgBouncer's, which it sends as 08P01.
 */
class DatabaseUnavailableTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "57P01|terminating connection due to administrator command|shutting down or restarting",
            "57P02|terminating connection because of crash of another server process|crashed",
            "57P03|the database system is starting up|starting up",
            "53300|sorry, too many clients already|too many clients",
            "08006|connection failure|connection to the database failed",
            "08P01|server login has been failing, try again later (server_login_retry)|server_login_retry",
            "08P01|no more connections allowed (max_client_conn)|max_client_conn",
            "08P01|query_wait_timeout|query_wait_timeout",
    })
    void outagesAreRecognisedWithTheirCause(String state, String message, String cause) {
        Optional<String> found = DatabaseUnavailable.cause(new PgException(message, "FATAL", state, null));

        assertTrue(found.isPresent(), state + " " + message);
        assertTrue(found.get().contains(cause), found.get());
    }

    @Test
    void refusedAndLostConnectionsAreOutagesEvenWhenWrapped() {
        assertEquals(Optional.of("the database refused the connection"),
                DatabaseUnavailable.cause(new RuntimeException(new ConnectException("Connection refused"))));
        assertTrue(DatabaseUnavailable.cause(ClosedConnectionException.INSTANCE).isPresent());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "23505|duplicate key value violates unique constraint",
            "42P05|prepared statement \"0000000\" already exists",
            "08P01|bind message supplies 2 parameters, but prepared statement \"\" requires 1",
            "XX000|internal error",
    })
    void bugsAndClientErrorsAreNot(String state, String message) {
        assertEquals(Optional.empty(), DatabaseUnavailable.cause(new PgException(message, "ERROR", state, null)));
    }

    @Test
    void anUnrelatedFailureIsNot() {
        assertEquals(Optional.empty(), DatabaseUnavailable.cause(new IllegalStateException("bug")));
    }
}
