package dev.cpdb.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.database.embedded.PostgresDistribution;

/**
 * One real PostgreSQL server for the whole test JVM, started with the product's own embedded-server code on a free
 * port, stopped when the JVM exits. Tests get their own database on it with {@link #createDatabase(String)}.
 */
public final class TestPostgres {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static EmbeddedPostgres server15;
    private static EmbeddedPostgres server18;

    private TestPostgres() {
    }

    /** The server, started on first use. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            EmbeddedPostgres.Settings settings = new EmbeddedPostgres.Settings(
                    TestFolders.create("cpdb-test-pg").resolve("instance"), TestFolders.distributions(),
                    FreePorts.next(), "cpdb", Duration.ofSeconds(60));
            server = EmbeddedPostgres.start(settings);
            EmbeddedPostgres started = server;
            TestFolders.beforeRemoval(started::close);
        }
        return server;
    }

    /**
     * A PostgreSQL 15 server (binaries copied to {@code target/test-postgres} by the build), for comparisons with
     * Debian's {@code pg_dump} 15, which refuses newer servers.
     */
    public static synchronized EmbeddedPostgres server15() {
        if (server15 == null) {
            server15 = startCopied("15.18.0", "postgres-15.jar", "cpdb-test-pg15");
        }
        return server15;
    }

    /**
     * A PostgreSQL 18 server (binaries copied to {@code target/test-postgres} by the build), the newest major whose
     * catalogs a backup must carry.
     */
    public static synchronized EmbeddedPostgres server18() {
        if (server18 == null) {
            server18 = startCopied("18.7.0", "postgres-18.jar", "cpdb-test-pg18");
        }
        return server18;
    }

    /** Starts a server from binaries the build copied to {@code target/test-postgres}, stopped when the JVM exits. */
    private static EmbeddedPostgres startCopied(String version, String jar, String folder) {
        EmbeddedPostgres.Settings settings = new EmbeddedPostgres.Settings(
                TestFolders.create(folder).resolve("instance"), TestFolders.distributions(), FreePorts.next(), "cpdb",
                Duration.ofSeconds(60), PostgresDistribution.Source.jar(version, Path.of("target/test-postgres", jar)));
        EmbeddedPostgres started = EmbeddedPostgres.start(settings);
        TestFolders.beforeRemoval(started::close);
        return started;
    }

    /** Creates a new, empty database on {@code on} and returns its URL. */
    public static DatabaseUrl createDatabase(EmbeddedPostgres on, String prefix) {
        String name = (prefix + "_" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid())
                .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        execute(on.url(), "CREATE DATABASE " + name);
        DatabaseUrl base = on.url();
        return base.with(name, base.user(), base.password());
    }

    /** URL of the server's {@code cpdb} database. */
    public static DatabaseUrl url() {
        return server().url();
    }

    /** Creates a new, empty database whose name starts with {@code prefix} and returns its URL. */
    public static DatabaseUrl createDatabase(String prefix) {
        return createDatabase(server(), prefix);
    }

    /** Runs one statement on the given database over a fresh JDBC connection. */
    public static void execute(DatabaseUrl url, String sql) {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + sql, e);
        }
    }

    /** The first column of a query's rows, as text, over a fresh JDBC connection. */
    public static List<String> column(DatabaseUrl url, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Opens a JDBC connection for test assertions. */
    public static Connection connect(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", url.user());
        properties.setProperty("password", url.password());
        return new org.postgresql.Driver().connect(jdbcUrl(url), properties);
    }

    /** libpq form of a URL, as operators write {@code DATABASE_URL}. */
    public static String libpq(DatabaseUrl url) {
        return "postgres://" + url.user() + ":" + url.password() + "@" + url.host() + ":" + url.port() + "/"
                + url.database() + "?sslmode=disable";
    }

    private static String jdbcUrl(DatabaseUrl url) {
        return "jdbc:postgresql://" + url.host() + ":" + url.port() + "/" + url.database();
    }
}
