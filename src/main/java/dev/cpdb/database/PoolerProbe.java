package dev.cpdb.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * Asks PostgreSQL, through the runtime URL, which backend serves each transaction and where it says its client
 * reached it. Behind a transaction pooler one client connection may be served by several backends, and two client
 * connections by one; behind any proxy the server's own address or port differs from the one dialled.
 *
 * <p>
 * Two client connections take turns: the first holds a transaction open while the second asks, then commits, then
 * both ask again. With a pooler that has one server connection the second must wait for the first's and gets the
 * same backend; with more, a pooler that reuses the most recently released server connection (PgBouncer's default)
 * hands the first one's backend to the second. Only simple-protocol statements are sent, which any pooler routes.
 *
 * <p>
 * Blocking: called once from start-up code, never on the event loop.
 */
final class PoolerProbe {

    static final String QUESTION = "SELECT pg_backend_pid(), host(inet_server_addr()), inet_server_port(), "
            + "current_setting('port')::int";

    /** How long the second connection's question may wait for a server connection before the first commits. */
    private static final Duration TAKE_TURNS = Duration.ofMillis(300);

    private PoolerProbe() {
    }

    /** Asks the server; never throws, a failure is reported in the answers. */
    static ServerAnswers ask(Vertx vertx, PgConnectOptions options, Duration timeout) {
        PgConnection first = null;
        PgConnection second = null;
        try {
            first = await(PgConnection.connect(vertx, options), timeout);
            second = await(PgConnection.connect(vertx, options), timeout);
            List<ServerAnswers.Backend> backends = new ArrayList<>();
            await(first.query("BEGIN").execute(), timeout);
            backends.add(backend(0, await(first.query(QUESTION).execute(), timeout)));
            Future<RowSet<Row>> waiting = second.query(QUESTION).execute();
            // With a pooler of one server connection the answer comes only once the first connection commits.
            awaitBriefly(waiting);
            await(first.query("COMMIT").execute(), timeout);
            backends.add(backend(1, await(waiting, timeout)));
            backends.add(backend(1, await(second.query(QUESTION).execute(), timeout)));
            backends.add(backend(0, await(first.query(QUESTION).execute(), timeout)));
            return new ServerAnswers(backends, null);
        } catch (ProbeFailure e) {
            return ServerAnswers.failed(e.getMessage());
        } finally {
            close(first);
            close(second);
        }
    }

    private static ServerAnswers.Backend backend(int connection, RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return new ServerAnswers.Backend(connection, row.getInteger(0), row.getString(1), row.getInteger(2),
                row.getInteger(3));
    }

    private static <T> T await(Future<T> future, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new ProbeFailure(message.lines().findFirst().orElse(message));
        } catch (TimeoutException e) {
            throw new ProbeFailure("no answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeFailure("interrupted");
        }
    }

    private static void awaitBriefly(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(TAKE_TURNS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Not answered yet, or failed: the later await reports a failure.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeFailure("interrupted");
        }
    }

    private static void close(PgConnection connection) {
        if (connection != null) {
            connection.close();
        }
    }

    /** Why the probe stopped. */
    private static final class ProbeFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ProbeFailure(String message) {
            super(message, null, false, false);
        }
    }
}
