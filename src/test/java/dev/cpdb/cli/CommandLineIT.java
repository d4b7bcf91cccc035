package dev.cpdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CoreMigrationFiles;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestPostgres;

/**
 * The packaged jar as operators call it: one-off commands, exit codes and start-up refusals.
 */
class CommandLineIT {

    @Test
    void aMalformedDatabaseUrlStopsStartUpNamingTheVariableButNotThePassword() {
        CpdbProcess cpdb = CpdbProcess.run(Map.of("DATABASE_URL", "postgres://app:hunter2@db.example:notaport/cp",
                "QUARKUS_HTTP_PORT", Integer.toString(FreePorts.next())));

        assertNotEquals(0, cpdb.exitCode());
        assertTrue(cpdb.stderr().contains("DATABASE_URL is not a valid PostgreSQL URL"), cpdb.stderr());
        assertFalse(cpdb.stderr().contains("hunter2") || cpdb.stdout().contains("hunter2"),
                "the password must not be printed");
    }

    @Test
    void aBadBackupJobsSettingStopsStartUp() {
        DatabaseUrl database = TestPostgres.createDatabase("cli_bad_jobs");
        CpdbProcess cpdb = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(database),
                "CPDB_BACKUP_JOBS", "17", "QUARKUS_HTTP_PORT", Integer.toString(FreePorts.next())));

        assertNotEquals(0, cpdb.exitCode());
        assertTrue(cpdb.stderr().contains("CPDB_BACKUP_JOBS (cpdb.backup.jobs) is 17; use a number of connections "
                + "from 1 to 16"), cpdb.stderr());
    }

    @Test
    void aBadCompressionLevelStopsStartUp() {
        DatabaseUrl database = TestPostgres.createDatabase("cli_bad_level");
        CpdbProcess cpdb = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(database),
                "CPDB_BACKUP_COMPRESSION", "gzip", "CPDB_BACKUP_COMPRESSION_LEVEL", "12", "QUARKUS_HTTP_PORT",
                Integer.toString(FreePorts.next())));

        assertNotEquals(0, cpdb.exitCode());
        assertTrue(cpdb.stderr().contains("CPDB_BACKUP_COMPRESSION_LEVEL (cpdb.backup.compression-level): "
                + "compression level 12 is out of range for gzip; use 1 (fastest) to 9 (smallest)"), cpdb.stderr());
    }

    @Test
    void aBadBackupTargetStopsStartUpInsteadOfFailingEveryBackup() {
        DatabaseUrl database = TestPostgres.createDatabase("cli_bad_target");
        CpdbProcess cpdb = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(database),
                "CPDB_BACKUP_TARGET", "ftp://backups.example/cpdb", "QUARKUS_HTTP_PORT",
                Integer.toString(FreePorts.next())));

        assertNotEquals(0, cpdb.exitCode());
        assertTrue(cpdb.stderr().contains("CPDB_BACKUP_TARGET"), cpdb.stderr());
        assertTrue(cpdb.stderr().contains("ftp://backups.example/cpdb"), cpdb.stderr());
    }

    @Test
    void anUnknownCommandPrintsUsageAndExitsWithTwo() {
        CpdbProcess cpdb = CpdbProcess.run(Map.of(), "frobnicate");

        assertEquals(2, cpdb.exitCode());
        assertTrue(cpdb.stderr().contains("unknown command 'frobnicate'"), cpdb.stderr());
        assertTrue(cpdb.stderr().contains("migrate"), cpdb.stderr());
    }

    @Test
    void statusPrintsJsonAndDoesNotMigrate() throws SQLException {
        DatabaseUrl database = TestPostgres.createDatabase("cli_status");

        CpdbProcess cpdb = CpdbProcess.run(Map.of("DATABASE_URL", TestPostgres.libpq(database)), "status");

        assertEquals(0, cpdb.exitCode(), cpdb.stderr());
        String json = cpdb.stdout();
        assertTrue(json.contains("\"mode\" : \"external\""), json);
        assertTrue(json.contains("\"initialized\" : false"), json);
        assertTrue(json.contains("\"pending\" : " + CoreMigrationFiles.versions().size()), json);
        assertFalse(historyExists(database), "status must not run migrations");
    }

    @Test
    void threeMigrateCommandsAtOnceApplyEachMigrationExactlyOnce() throws SQLException {
        DatabaseUrl database = TestPostgres.createDatabase("cli_migrate");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(database));

        List<CpdbProcess> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(CpdbProcess.start(env, "migrate"));
        }
        for (CpdbProcess run : runs) {
            assertEquals(0, run.awaitExit(Duration.ofSeconds(120)), run.stderr());
        }

        assertEquals(CoreMigrationFiles.versions(), appliedVersions(database));
    }

    @Test
    void withAutoApplyOffAStaleSchemaRefusesToStartAndNamesTheMigrateCommand() throws SQLException {
        DatabaseUrl database = TestPostgres.createDatabase("cli_policy");
        Map<String, String> env = Map.of("DATABASE_URL", TestPostgres.libpq(database),
                "CPDB_MIGRATION_AUTO_APPLY", "false", "QUARKUS_HTTP_PORT", Integer.toString(FreePorts.next()),
                "CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY, "CPDB_BACKUP_ENABLED", "false");

        CpdbProcess refused = CpdbProcess.run(env);

        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("CPDB_MIGRATION_AUTO_APPLY is false"), refused.stderr());
        assertTrue(refused.stderr().contains("migrate"), refused.stderr());
        assertFalse(historyExists(database), "a refused start changes nothing");

        assertEquals(0, CpdbProcess.run(env, "migrate").exitCode());
        int port = FreePorts.next();
        java.util.HashMap<String, String> withPort = new java.util.HashMap<>(env);
        withPort.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try (CpdbProcess server = CpdbProcess.start(withPort)) {
            server.awaitHttp200(port, "/q/health/ready", Duration.ofSeconds(60));
        }
    }

    static boolean historyExists(DatabaseUrl database) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT to_regclass('public.flyway_schema_history')")) {
            rs.next();
            return rs.getString(1) != null;
        }
    }

    static List<String> appliedVersions(DatabaseUrl database) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}
