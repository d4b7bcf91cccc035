package dev.cpdb.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestPostgres;

/**
 * {@code plugins migrate [key]} in the packaged jar, as operators run it: exit codes (the README's command-line
 * section: 0 success, 1 with a one-line reason, 2 for wrong usage), concurrency between processes, and the visible
 * schema-only fallback (issue 5).
 */
class PluginsCommandIT {

    private final Path plugins = PluginFixtures.pluginsFolder();

    private Map<String, String> environment(DatabaseUrl database) {
        Map<String, String> environment = new HashMap<>();
        environment.put("DATABASE_URL", TestPostgres.libpq(database));
        environment.put("CPDB_PLUGINS_DIR", plugins.toString());
        return environment;
    }

    private DatabaseUrl migratedDatabase(String prefix) {
        DatabaseUrl database = TestPostgres.createDatabase(prefix);
        CpdbProcess core = CpdbProcess.run(environment(database), "migrate");
        assertEquals(0, core.exitCode(), core.stderr());
        return database;
    }

    private static String text(DatabaseUrl database, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> reasonLines(CpdbProcess process) {
        return process.stderr().lines().filter(line -> line.startsWith("cpdb plugins migrate:")).toList();
    }

    @Test
    void pluginsListShowsEachPluginWithItsSettingsAsTheSettingsCommandsStoredThem() {
        DatabaseUrl database = migratedDatabase("cli_plugins_list");
        PluginFixtures.writePlugin(plugins, "notes", """
                {"key": "notes", "version": "1", "settings": [{"key": "mode", "type": "choice",
                 "choices": ["fast", "safe"], "default": "safe", "description": "How notes are kept"}]}
                """);

        CpdbProcess set = CpdbProcess.run(environment(database), "settings", "set", "plugin.notes.mode", "fast");
        CpdbProcess wrong = CpdbProcess.run(environment(database), "settings", "set", "plugin.notes.mode", "slow");
        CpdbProcess list = CpdbProcess.run(environment(database), "plugins", "list");

        assertEquals(0, set.exitCode(), set.stderr());
        assertEquals(2, wrong.exitCode(), wrong.stderr());
        assertTrue(wrong.stderr().contains("use one of fast, safe"), wrong.stderr());
        assertEquals(0, list.exitCode(), list.stderr());
        String notes = list.stdout().replaceAll("\\s+", " ");
        assertTrue(notes.contains("\"key\" : \"plugin.notes.mode\", \"group\" : \"plugin.notes\""), notes);
        assertTrue(notes.contains("\"value\" : \"fast\", \"sensitive\" : false, \"source\" : \"database\""), notes);
    }

    @Test
    void pluginsMigrateAppliesEveryPluginAndASecondRunAppliesNothing() throws SQLException {
        DatabaseUrl database = migratedDatabase("cli_plugins");
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"),
                "V1__init.sql", "CREATE TABLE notes (id int);", "V2__seed.sql", "INSERT INTO notes VALUES (1);");

        CpdbProcess first = CpdbProcess.run(environment(database), "plugins", "migrate");
        CpdbProcess second = CpdbProcess.run(environment(database), "plugins", "migrate", "notes");

        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(first.stdout().contains("notes: up to date, applied 2 migration(s) (schema plugin_notes, role "
                + "plugin_notes_"), first.stdout());
        assertEquals(0, second.exitCode(), second.stderr());
        assertTrue(second.stdout().contains("notes: up to date, applied 0 migration(s)"), second.stdout());
        assertEquals("1", text(database, "SELECT count(*) FROM plugin_notes.notes"));
    }

    @Test
    void aFailingPluginMakesTheCommandExitOneWithOneReasonLineWhileTheOthersAreMigrated() throws SQLException {
        DatabaseUrl database = migratedDatabase("cli_plugins_fail");
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"),
                "V1__init.sql", "CREATE TABLE notes (id int);");
        PluginFixtures.writePlugin(plugins, "broken", PluginFixtures.manifest("broken"),
                "V1__oops.sql", "CREATE TABEL oops (id int);");

        CpdbProcess run = CpdbProcess.run(environment(database), "plugins", "migrate");

        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(List.of("cpdb plugins migrate: plugin broken: V1__oops.sql line 1: syntax error at or near "
                + "\"TABEL\" (SQLSTATE 42601)"), reasonLines(run), run.stderr());
        assertTrue(run.stdout().contains("notes: up to date"), run.stdout());
        assertTrue(run.stdout().contains("broken: migration_failed"), run.stdout());
        assertEquals("plugin_notes.notes", text(database, "SELECT to_regclass('plugin_notes.notes')::text"));
    }

    @Test
    void anUnknownKeyExitsOneAndWrongArgumentsExitTwo() {
        DatabaseUrl database = migratedDatabase("cli_plugins_args");
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"));

        CpdbProcess unknown = CpdbProcess.run(environment(database), "plugins", "migrate", "nope");
        CpdbProcess twoKeys = CpdbProcess.run(environment(database), "plugins", "migrate", "notes", "more");
        CpdbProcess badKey = CpdbProcess.run(environment(database), "plugins", "migrate", "../notes");

        assertEquals(1, unknown.exitCode());
        assertEquals(List.of("cpdb plugins migrate: no plugin with key 'nope' in " + plugins), reasonLines(unknown));
        assertEquals(2, twoKeys.exitCode());
        assertTrue(twoKeys.stderr().contains("takes at most one plugin key"), twoKeys.stderr());
        assertEquals(2, badKey.exitCode());
        assertTrue(badKey.stderr().contains("'../notes' is not a plugin key"), badKey.stderr());
    }

    @Test
    void pluginsMigrateRefusesToRunBeforeTheCoreMigrationsAndChangesNothing() throws SQLException {
        DatabaseUrl database = TestPostgres.createDatabase("cli_plugins_core");
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"),
                "V1__init.sql", "CREATE TABLE notes (id int);");

        CpdbProcess run = CpdbProcess.run(environment(database), "plugins", "migrate");

        assertEquals(1, run.exitCode());
        assertTrue(reasonLines(run).get(0).contains("core migration(s) are pending"), run.stderr());
        assertTrue(reasonLines(run).get(0).contains("run `migrate` first"), run.stderr());
        assertNull(text(database, "SELECT nspname FROM pg_namespace WHERE nspname = 'plugin_notes'"));
    }

    @Test
    void twoProcessesMigratingAtOnceApplyEachFileExactlyOnce() throws SQLException {
        DatabaseUrl database = migratedDatabase("cli_plugins_race");
        PluginFixtures.writePlugin(plugins, "race", PluginFixtures.manifest("race"),
                "V1__init.sql", "CREATE TABLE runs (file int); SELECT pg_sleep(0.5); INSERT INTO runs VALUES (1);",
                "V2__two.sql", "INSERT INTO runs VALUES (2);");

        List<CpdbProcess> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(CpdbProcess.start(environment(database), "plugins", "migrate"));
        }
        for (CpdbProcess process : processes) {
            assertEquals(0, process.awaitExit(Duration.ofSeconds(120)), process.stderr());
        }

        assertEquals("1,2", text(database, "SELECT string_agg(file::text, ',' ORDER BY file) FROM plugin_race.runs"));
        assertEquals("2", text(database, "SELECT count(*) FROM plugin_migrations"));
    }

    /**
     * A managed-service user without CREATEROLE (created here with a password and used through DATABASE_URL): the
     * namespace falls back to schema-only isolation, and both the command and {@code status} say so.
     */
    @Test
    void withoutCreateroleTheSchemaOnlyFallbackIsVisibleInTheCommandAndInStatus() {
        DatabaseUrl database = PluginFixtures.ownDatabaseOfNewUser("cli_nocreaterole", false);
        assertEquals(0, CpdbProcess.run(environment(database), "migrate").exitCode());
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"),
                "V1__init.sql", "CREATE TABLE notes (id int);");

        CpdbProcess migrate = CpdbProcess.run(environment(database), "plugins", "migrate");
        CpdbProcess status = CpdbProcess.run(environment(database), "status");

        assertEquals(0, migrate.exitCode(), migrate.stderr());
        assertTrue(migrate.stdout().contains("notes: up to date, applied 1 migration(s) (schema plugin_notes, "
                + "schema-only isolation"), migrate.stdout());
        assertTrue(migrate.stderr().contains("cannot create roles (no CREATEROLE)"), migrate.stderr());
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdout().contains("\"isolation\" : \"schema\""), status.stdout());
        assertTrue(status.stdout().contains("\"warning\" : \"schema-only isolation: the database user cannot create "
                + "roles"), status.stdout());
    }

    @Test
    void helpListsTheCommand() {
        CpdbProcess help = CpdbProcess.run(Map.of(), "help");

        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("plugins migrate"), help.stdout());
    }
}
