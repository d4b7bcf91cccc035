package dev.cpdb.testing;

import java.time.Duration;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of its own with PgBouncer in transaction mode in front of it, for tests that restart either
 * one: the shared test server must never go down under other tests.
 */
public final class RestartableDatabase implements AutoCloseable {

    /** Seconds PgBouncer waits before it tries a failed server login again; PgBouncer's default is 15. */
    public static final int SERVER_LOGIN_RETRY_SECONDS = 2;

    private final EmbeddedPostgres.Settings serverSettings;
    private final DatabaseUrl database;
    private EmbeddedPostgres server;
    private PgBouncer pgBouncer;

    private RestartableDatabase(EmbeddedPostgres.Settings serverSettings, EmbeddedPostgres server,
            DatabaseUrl database, PgBouncer pgBouncer) {
        this.serverSettings = serverSettings;
        this.server = server;
        this.database = database;
        this.pgBouncer = pgBouncer;
    }

    /** Starts a new server on a free port, creates a database on it and puts PgBouncer in front. */
    public static RestartableDatabase start() {
        EmbeddedPostgres.Settings settings = new EmbeddedPostgres.Settings(
                TestFolders.create("cpdb-restartable-pg").resolve("instance"), TestFolders.distributions(),
                FreePorts.next(), "cpdb", Duration.ofSeconds(60));
        EmbeddedPostgres server = EmbeddedPostgres.start(settings);
        TestPostgres.execute(server.url(), "CREATE DATABASE restartable");
        DatabaseUrl database = server.url().with("restartable", server.url().user(), server.url().password());
        PgBouncer pgBouncer = PgBouncer.start(database, TestFolders.create("cpdb-restartable-pgbouncer"),
                new PgBouncer.Settings("transaction", PgBouncer.SERVER_POOL_SIZE, SERVER_LOGIN_RETRY_SECONDS));
        return new RestartableDatabase(settings, server, database, pgBouncer);
    }

    /** The database, straight on PostgreSQL. */
    public DatabaseUrl direct() {
        return database;
    }

    /** The running PgBouncer. */
    public synchronized PgBouncer pgBouncer() {
        return pgBouncer;
    }

    /** Stops PostgreSQL (fast shutdown: sessions are ended, SQLSTATE 57P01), waits {@code down}, starts it again. */
    public void restartPostgres(Duration down) throws InterruptedException {
        EmbeddedPostgres stopping;
        synchronized (this) {
            stopping = server;
            server = null;
        }
        stopping.close();
        Thread.sleep(down.toMillis());
        EmbeddedPostgres started = EmbeddedPostgres.start(serverSettings);
        synchronized (this) {
            server = started;
        }
    }

    /** Stops PgBouncer (SIGTERM), waits {@code down}, starts it again on the same port. */
    public void restartPgBouncer(Duration down) throws InterruptedException {
        PgBouncer stopping;
        synchronized (this) {
            stopping = pgBouncer;
        }
        stopping.close();
        Thread.sleep(down.toMillis());
        PgBouncer started = stopping.startAgain();
        synchronized (this) {
            pgBouncer = started;
        }
    }

    @Override
    public synchronized void close() {
        if (pgBouncer != null) {
            pgBouncer.close();
            pgBouncer = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
