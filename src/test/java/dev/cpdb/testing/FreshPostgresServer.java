package dev.cpdb.testing;

import java.time.Duration;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;

/**
 * A second PostgreSQL server, started empty for one test and stopped after it: a "fresh server" that shares no roles
 * with the shared test server, as a restore target on new infrastructure would.
 */
public final class FreshPostgresServer implements AutoCloseable {

    private final EmbeddedPostgres server;

    private FreshPostgresServer(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Initializes and starts a new server on a free port. */
    public static FreshPostgresServer start() {
        return new FreshPostgresServer(EmbeddedPostgres.start(new EmbeddedPostgres.Settings(
                TestFolders.create("cpdb-fresh-pg").resolve("instance"), TestFolders.distributions(),
                FreePorts.next(), "cpdb", Duration.ofSeconds(60))));
    }

    /** Creates an empty database and returns its URL (the server's superuser). */
    public DatabaseUrl createDatabase(String name) {
        TestPostgres.execute(server.url(), "CREATE DATABASE " + name);
        return server.url().with(name, server.url().user(), server.url().password());
    }

    @Override
    public void close() {
        server.close();
    }
}
