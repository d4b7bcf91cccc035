package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The backup commands of the packaged jar against a database given by URL: they use the direct path only and never
 * migrate it, so they work on any PostgreSQL database, not just cpdb's own.
 */
class BackupCommandsIT {

    @Test
    void backupListShowAndRestoreWorkOnAForeignDatabaseWithoutMigratingIt() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase("cli_backup_source");
        TestPostgres.execute(source, "CREATE TABLE public.notes (id serial PRIMARY KEY, body text)");
        TestPostgres.execute(source, "INSERT INTO public.notes (body) SELECT 'n' || g FROM generate_series(1, 25) g");
        Path folder = TestFolders.create("cpdb-cli-backups");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(source));

        CpdbProcess backup = CpdbProcess.run(env, "backup", "--target", folder.toString(), "--compression", "gzip",
                "--jobs", "3");
        assertEquals(0, backup.exitCode(), backup.stderr());
        // Without a signing key, writing a backup says so; listing and showing backups do not repeat it.
        assertTrue(backup.stderr().contains("no backup signing key"), backup.stderr());
        Matcher id = Pattern.compile("backup (\\S+) written to").matcher(backup.stdout());
        assertTrue(id.find(), backup.stdout());
        assertTrue(Files.exists(folder.resolve(id.group(1)).resolve("data.sql.gz")));
        assertFalse(tableExists(source, "flyway_schema_history"), "backup must not migrate the database it reads");

        CpdbProcess list = CpdbProcess.run(env, "backups", "list", "--target", folder.toString());
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.stdout().contains(id.group(1)), list.stdout());
        assertFalse(list.stderr().contains("signing key"), list.stderr());

        CpdbProcess show = CpdbProcess.run(env, "backups", "show", id.group(1), "--target", folder.toString());
        assertEquals(0, show.exitCode(), show.stderr());
        assertTrue(show.stdout().contains("\"rows\" : 25"), show.stdout());
        assertFalse(show.stderr().contains("signing key"), show.stderr());

        DatabaseUrl target = TestPostgres.createDatabase("cli_backup_target");
        CpdbProcess restore = CpdbProcess.run(Map.of(), "restore", folder.resolve(id.group(1)).toString(),
                "--target-url", TestPostgres.libpq(target));
        assertEquals(0, restore.exitCode(), restore.stderr());
        assertTrue(restore.stdout().contains("1 tables, 25 rows"), restore.stdout());
        assertTrue(restore.stderr().contains("no backup signing key"), restore.stderr());

        CpdbProcess again = CpdbProcess.run(Map.of(), "restore", folder.resolve(id.group(1)).toString(),
                "--target-url", TestPostgres.libpq(target));
        assertNotEquals(0, again.exitCode());
        assertTrue(again.stderr().contains("not empty"), again.stderr());
    }

    @Test
    void aDrillOnPostgres15RestoresIntoItsScratchDatabaseAsTheUnprivilegedDrillRole() throws Exception {
        // Since PostgreSQL 15 the public schema of a new database belongs to pg_database_owner: the drill role owns
        // its scratch database and must get that schema's privileges through it.
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server15(), "cli_drill_source");
        TestPostgres.execute(source, "CREATE TABLE public.notes (id serial PRIMARY KEY, body text)");
        TestPostgres.execute(source, "CREATE FUNCTION public.shout(text) RETURNS text LANGUAGE sql AS "
                + "'SELECT upper($1)'");
        TestPostgres.execute(source, "INSERT INTO public.notes (body) SELECT 'n' || g FROM generate_series(1, 7) g");
        Path folder = TestFolders.create("cpdb-cli-drill");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(source));

        CpdbProcess backup = CpdbProcess.run(env, "backup", "--target", folder.toString());
        assertEquals(0, backup.exitCode(), backup.stderr());
        Matcher id = Pattern.compile("backup (\\S+) written to").matcher(backup.stdout());
        assertTrue(id.find(), backup.stdout());

        CpdbProcess verify = CpdbProcess.run(env, "verify", id.group(1), "--target", folder.toString());
        assertEquals(0, verify.exitCode(), verify.stdout() + verify.stderr());
        assertTrue(verify.stdout().contains("verified: 1 tables, 7 rows, counts match the manifest"), verify.stdout());
        assertEquals(List.of(), TestPostgres.column(source, "SELECT rolname FROM pg_roles WHERE rolname LIKE "
                + "'cpdb_drill_%'"), "the drill role is dropped afterwards");
    }

    @Test
    void schemaOptionsSelectWhatTheBackupHoldsAndBadPatternsFailBeforeAnythingIsWritten() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase("cli_schemas_source");
        TestPostgres.execute(source, "CREATE SCHEMA app");
        TestPostgres.execute(source, "CREATE TABLE app.notes (id int)");
        TestPostgres.execute(source, "CREATE SCHEMA app_tmp");
        TestPostgres.execute(source, "CREATE TABLE app_tmp.scratch (id int)");
        TestPostgres.execute(source, "CREATE TABLE public.other (id int)");
        Path folder = TestFolders.create("cpdb-cli-schemas");
        // The setting's exclusions hold for the command too; --exclude-schema adds to them.
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(source), "CPDB_BACKUP_EXCLUDE_SCHEMAS",
                "app_tmp");

        CpdbProcess selected = CpdbProcess.run(env, "backup", "--target", folder.toString(), "--schema", "APP*",
                "--schema", "public", "--exclude-schema", "public");
        assertEquals(0, selected.exitCode(), selected.stderr());
        assertTrue(selected.stdout().contains("schemas: app\n"), selected.stdout());
        assertTrue(selected.stdout().contains("left out: app_tmp (excluded by pattern \"app_tmp\")"),
                selected.stdout());
        Matcher id = Pattern.compile("backup (\\S+) written to").matcher(selected.stdout());
        assertTrue(id.find(), selected.stdout());
        CpdbProcess show = CpdbProcess.run(env, "backups", "show", id.group(1), "--target", folder.toString());
        assertTrue(show.stdout().contains("\"include\" : [ \"APP*\", \"public\" ]"), show.stdout());
        assertTrue(show.stdout().contains("\"schemas\" : [ \"app\" ]"), show.stdout());

        CpdbProcess malformed = CpdbProcess.run(env, "backup", "--target", folder.toString(), "--schema", "\"app");
        assertEquals(2, malformed.exitCode(), malformed.stderr());
        assertTrue(malformed.stderr().contains("unterminated double quote"), malformed.stderr());

        CpdbProcess unmatched = CpdbProcess.run(env, "backup", "--target", folder.toString(), "--schema", "app",
                "--schema", "nosuch");
        assertEquals(1, unmatched.exitCode(), unmatched.stderr());
        assertTrue(unmatched.stderr().contains("\"nosuch\" matches no schema"), unmatched.stderr());

        CpdbProcess badSetting = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(source),
                "CPDB_BACKUP_SCHEMAS", "a.b.c"), "backup", "--target", folder.toString());
        assertNotEquals(0, badSetting.exitCode());
        assertTrue(badSetting.stderr().contains("CPDB_BACKUP_SCHEMAS"), badSetting.stderr());
        try (var files = Files.walk(folder)) {
            assertEquals(java.util.List.of(), files.filter(Files::isRegularFile)
                    .filter(file -> !file.startsWith(folder.resolve(id.group(1)))).toList(),
                    "the failed backups left no file behind");
        }
    }

    @Test
    void ownersAndPrivilegesComeFromTheFlagOrTheSettingAndAreRecordedInTheManifest() throws Exception {
        String role = "cli owner " + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
        String quoted = "\"" + role + "\"";
        DatabaseUrl source = TestPostgres.createDatabase("cli_owners_source");
        DatabaseUrl target = TestPostgres.createDatabase("cli_owners_target");
        TestPostgres.execute(source, "CREATE ROLE " + quoted);
        try {
            TestPostgres.execute(source, "CREATE TABLE public.notes (id int)");
            TestPostgres.execute(source, "ALTER TABLE public.notes OWNER TO " + quoted);
            Path folder = TestFolders.create("cpdb-cli-owners");
            Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(source));

            CpdbProcess flag = CpdbProcess.run(env, "backup", "--target", folder.toString(), "--owners-and-privileges",
                    "--json");
            CpdbProcess setting = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(source),
                    "CPDB_BACKUP_OWNERS_AND_PRIVILEGES", "true"), "backup", "--target", folder.toString());
            CpdbProcess neither = CpdbProcess.run(env, "backup", "--target", folder.toString());

            assertEquals(0, flag.exitCode(), flag.stderr());
            assertTrue(flag.stdout().contains("\"ownersAndPrivileges\" : true"), flag.stdout());
            assertEquals(0, setting.exitCode(), setting.stderr());
            assertTrue(setting.stdout().contains("with owners and privileges"), setting.stdout());
            assertEquals(0, neither.exitCode(), neither.stderr());
            assertFalse(neither.stdout().contains("with owners and privileges"), neither.stdout());
            Matcher id = Pattern.compile("\"backupId\" : \"(\\S+)\"").matcher(flag.stdout());
            assertTrue(id.find(), flag.stdout());
            CpdbProcess show = CpdbProcess.run(env, "backups", "show", id.group(1), "--target", folder.toString());
            assertTrue(show.stdout().contains("\"ownersAndPrivileges\" : true"), show.stdout());

            CpdbProcess restore = CpdbProcess.run(Map.of(), "restore", folder.resolve(id.group(1)).toString(),
                    "--target-url", TestPostgres.libpq(target));
            assertEquals(0, restore.exitCode(), restore.stderr());
            try (var connection = TestPostgres.connect(target);
                    var statement = connection.createStatement();
                    var rs = statement.executeQuery("SELECT pg_get_userbyid(relowner) FROM pg_class "
                            + "WHERE oid = 'public.notes'::regclass")) {
                rs.next();
                assertEquals(role, rs.getString(1));
            }
        } finally {
            // Roles belong to the whole test server: drop what this test gave the role, then the role.
            TestPostgres.execute(target, "DROP TABLE IF EXISTS public.notes");
            TestPostgres.execute(source, "DROP TABLE IF EXISTS public.notes");
            TestPostgres.execute(source, "DROP ROLE " + quoted);
        }
    }

    /**
     * A migration holds the schema-change gate shared while it takes table locks (see {@code SchemaChangeGate}: the
     * two-integer advisory lock ("cpdb", 1)); the {@code backup} command must not start then, must say why, and must
     * run once the migration has let go.
     */
    @Test
    void theBackupCommandWaitsForNoMigrationAndNamesTheOneThatHoldsTheGate() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase("cli_backup_gate");
        TestPostgres.execute(source, "CREATE TABLE public.notes (id int)");
        Path folder = TestFolders.create("cpdb-cli-gate");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(source));

        try (Connection migration = TestPostgres.connect(source);
                Statement statement = migration.createStatement()) {
            statement.execute("SET application_name = 'pending-migration'");
            statement.execute("SELECT pg_advisory_lock_shared(" + 0x63706462 + ", 1)");

            CpdbProcess refused = CpdbProcess.run(env, "backup", "--target", folder.toString());
            assertNotEquals(0, refused.exitCode(), refused.stdout());
            assertTrue(refused.stderr().contains("schema migration") && refused.stderr().contains("pending-migration"),
                    refused.stderr());
            try (var files = Files.list(folder)) {
                assertEquals(0, files.count(), "a refused backup writes nothing");
            }
        }

        CpdbProcess backup = CpdbProcess.run(env, "backup", "--target", folder.toString());
        assertEquals(0, backup.exitCode(), backup.stderr());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CpdbProcess unknownOption = CpdbProcess.run(Map.of(), "backups", "list", "--color");
        assertEquals(2, unknownOption.exitCode());
        assertTrue(unknownOption.stderr().contains("unknown option --color"), unknownOption.stderr());

        Path home = TestFolders.create("cpdb-cli-usage-home");
        CpdbProcess noJobs = CpdbProcess.run(Map.of("CPDB_HOME", home.toString()), "backup", "--jobs", "0");
        assertEquals(2, noJobs.exitCode());
        assertTrue(noJobs.stderr().contains("--jobs is '0'; use a number of copy connections from 1 to 16"),
                noJobs.stderr());
        assertFalse(Files.exists(home.resolve("instances/default/db")),
                "wrong arguments are reported before the embedded "
                        + "server starts");
        CpdbProcess wordJobs = CpdbProcess.run(Map.of(), "backup", "--jobs", "two");
        assertEquals(2, wordJobs.exitCode());
        assertTrue(wordJobs.stderr().contains("--jobs is 'two'"), wordJobs.stderr());

        CpdbProcess noId = CpdbProcess.run(Map.of(), "restore", "--target-url", "postgres://u:p@127.0.0.1:1/x");
        assertEquals(2, noId.exitCode());
        assertTrue(noId.stderr().contains("expected one backup id"), noId.stderr());

        CpdbProcess badUrl = CpdbProcess.run(Map.of(), "restore", "20260101T000000Z-abcdef", "--target-url",
                "postgres://u:secret@h:notaport/x");
        assertEquals(2, badUrl.exitCode());
        assertTrue(badUrl.stderr().contains("--target-url is not a valid PostgreSQL URL"), badUrl.stderr());
        assertFalse(badUrl.stderr().contains("secret"));
    }

    private static boolean tableExists(DatabaseUrl url, String table) throws Exception {
        try (var connection = TestPostgres.connect(url);
                var statement = connection.createStatement();
                var rs = statement.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
