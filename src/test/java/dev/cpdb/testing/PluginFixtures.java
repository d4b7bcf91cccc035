package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.migration.MigrationService;

/**
 * Builds what plugin tests need: plugin folders on disk, databases with the core schema, direct connections and
 * database users with chosen privileges.
 */
public final class PluginFixtures {

    private PluginFixtures() {
    }

    /** A new, empty plugins folder. */
    public static Path pluginsFolder() {
        return TestFolders.create("cpdb-plugins");
    }

    /** A manifest with version 1.0.0 and the given core tables to read. */
    public static String manifest(String key, String... readCoreTables) {
        List<String> quoted = new ArrayList<>();
        for (String table : readCoreTables) {
            quoted.add("\"" + table + "\"");
        }
        return "{\"key\": \"" + key + "\", \"version\": \"1.0.0\""
                + (readCoreTables.length == 0 ? "" : ", \"readCoreTables\": [" + String.join(", ", quoted) + "]")
                + "}";
    }

    /**
     * Writes {@code folder/plugin.json} and {@code folder/migrations/<file>} for each file name and SQL pair.
     *
     * @param filesAndSql alternating migration file names and their SQL
     * @return the plugin folder
     */
    public static Path writePlugin(Path pluginsDir, String folder, String manifestJson, String... filesAndSql) {
        try {
            Path plugin = Files.createDirectories(pluginsDir.resolve(folder));
            Files.writeString(plugin.resolve("plugin.json"), manifestJson, StandardCharsets.UTF_8);
            Path migrations = Files.createDirectories(plugin.resolve("migrations"));
            for (int i = 0; i < filesAndSql.length; i += 2) {
                Files.writeString(migrations.resolve(filesAndSql[i]), filesAndSql[i + 1], StandardCharsets.UTF_8);
            }
            return plugin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes (or overwrites) one migration file of a plugin folder. */
    public static void writeMigration(Path plugin, String fileName, String sql) {
        try {
            Files.writeString(plugin.resolve("migrations").resolve(fileName), sql, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh database on the shared test server with the core schema applied, as the service leaves it. */
    public static DatabaseUrl migratedDatabase(String prefix) {
        DatabaseUrl url = TestPostgres.createDatabase(prefix);
        migrateCore(url);
        return url;
    }

    /** Applies the core migrations with the same Flyway settings as the service. */
    public static void migrateCore(DatabaseUrl url) {
        Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(direct(url).dataSource())
                .locations(MigrationService.LOCATION)
                .cleanDisabled(true)
                .load()
                .migrate();
    }

    /** The service's own direct-path connections to a database. */
    public static DirectConnections direct(DatabaseUrl url) {
        return new DirectConnections(url, "cpdb-test", Duration.ofSeconds(10));
    }

    /**
     * Creates a login user (non-superuser) and a database it owns, as a managed PostgreSQL service hands out.
     *
     * @param createRole whether the user gets CREATEROLE
     * @return the URL of the new database for the new user
     */
    public static DatabaseUrl ownDatabaseOfNewUser(String prefix, boolean createRole) {
        DatabaseUrl admin = TestPostgres.createDatabase(prefix);
        String user = admin.database() + "_owner";
        String password = "pw-" + Long.toHexString(System.nanoTime());
        TestPostgres.execute(admin, "CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'"
                + (createRole ? " CREATEROLE" : ""));
        TestPostgres.execute(admin, "ALTER DATABASE " + admin.database() + " OWNER TO " + user);
        return admin.with(admin.database(), user, password);
    }
}
