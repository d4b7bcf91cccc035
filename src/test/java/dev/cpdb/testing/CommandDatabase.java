package dev.cpdb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;

/**
 * A fresh database on the test server for runs of the packaged jar, with the environment that points the jar at it
 * (its own home folder and a fixed secrets master key), and plain JDBC for fixtures and assertions.
 */
public record CommandDatabase(DatabaseUrl url, Map<String, String> environment) {

    /** A new, empty database; nothing is migrated. */
    public static CommandDatabase empty(String prefix) {
        DatabaseUrl url = TestPostgres.createDatabase(prefix);
        return new CommandDatabase(url, Map.of(
                "DATABASE_URL", TestPostgres.libpq(url),
                "CPDB_HOME", TestFolders.create("cpdb-command-home").toString(),
                "CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY));
    }

    /** A new database migrated by the jar's own {@code migrate} command, as operators prepare one. */
    public static CommandDatabase migrated(String prefix) {
        CommandDatabase database = empty(prefix);
        CpdbProcess migrate = database.run("migrate");
        assertEquals(0, migrate.exitCode(), migrate.stderr());
        return database;
    }

    /** Runs the jar with {@code args} against this database, to completion. */
    public CpdbProcess run(String... args) {
        return CpdbProcess.run(environment, args);
    }

    /** Runs one statement. */
    public void execute(String sql) {
        TestPostgres.execute(url, sql);
    }

    /** The first column of the first row of a query, as text (null for SQL NULL or no row). */
    public String text(String sql) {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("test query failed: " + sql, e);
        }
    }

    /** A {@code count(*)} or other whole-number query. */
    public long number(String sql) {
        return Long.parseLong(text(sql));
    }
}
