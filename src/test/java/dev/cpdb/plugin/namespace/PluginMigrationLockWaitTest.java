package dev.cpdb.plugin.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.migration.LockWaitPolicy;
import dev.cpdb.migration.SchemaChangeGate;
import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginFolders;
import dev.cpdb.plugin.namespace.PluginRun.Outcome;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestPostgres;

/**
 * Plugin migrations under bounded lock waits, against a real PostgreSQL. Expectations come from issue 19: a plugin
 * whose migration cannot get its locks within the total wait is {@code migration_failed} with the blocking session
 * named and nothing of the migration applied; plugin migrations wait while a backup runs and a backup is refused
 * while they run. PostgreSQL's part: {@code ALTER TABLE} needs an ACCESS EXCLUSIVE lock, which conflicts with the
 * ACCESS SHARE lock of an open transaction that read the table.
 */
class PluginMigrationLockWaitTest {

    private static final LockWaitPolicy SHORT = new LockWaitPolicy(Duration.ofMillis(300), Duration.ofMillis(1500));

    private final Path plugins = PluginFixtures.pluginsFolder();
    private final DatabaseUrl database = PluginFixtures.migratedDatabase("plugin_locks");

    private PluginRun migrate(String key, LockWaitPolicy policy) {
        PluginCatalog catalog = PluginFolders.scan(plugins);
        return new PluginMigrator(PluginFixtures.direct(database), Duration.ofSeconds(5), policy)
                .migrate(catalog, catalog.plugin(key).orElseThrow());
    }

    private PluginState state(String key) {
        return new PluginMigrator(PluginFixtures.direct(database), Duration.ofSeconds(1))
                .inspect(PluginFolders.scan(plugins), false).plugins().stream()
                .filter(state -> key.equals(state.key()))
                .findFirst()
                .orElseThrow();
    }

    /** A plugin with one applied migration creating {@code items}, and a pending one altering it. */
    private String pluginWithPendingAlter(String key) {
        Path folder = PluginFixtures.writePlugin(plugins, key, PluginFixtures.manifest(key),
                "V1__items.sql", "CREATE TABLE items (id int PRIMARY KEY);");
        PluginRun first = migrate(key, SHORT);
        assertEquals(Outcome.MIGRATED, first.outcome(), first.toString());
        PluginFixtures.writeMigration(folder, "V2__note.sql", "ALTER TABLE items ADD COLUMN note text;");
        return first.namespace();
    }

    /** A client that read {@code table} in a transaction it keeps open, as a long report would. */
    private static Connection longReader(DatabaseUrl database, String table) throws SQLException {
        Connection connection = TestPostgres.connect(database);
        try (Statement sql = connection.createStatement()) {
            sql.execute("SET application_name = 'long-reader'");
            connection.setAutoCommit(false);
            sql.execute("SELECT count(*) FROM " + table);
        }
        return connection;
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private boolean columnExists(String schema, String table, String column) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM "
                        + "information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            statement.setString(3, column);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Test
    void aMigrationThatCannotGetItsLocksFailsNamingTheBlockerAndAppliesOnceTheBlockerIsGone() throws Exception {
        String schema = pluginWithPendingAlter("crm");
        try (Connection reader = longReader(database, schema + ".items")) {
            PluginRun blocked = migrate("crm", SHORT);

            assertEquals(Outcome.FAILED, blocked.outcome(), blocked.toString());
            String error = blocked.error();
            assertTrue(error.contains("V2__note.sql"), error);
            assertTrue(error.contains("table locks not available within 1500ms"), error);
            assertTrue(error.contains("pid " + pid(reader) + " (application \"long-reader\", idle in transaction"),
                    error);
            assertTrue(error.contains("SELECT count(*) FROM " + schema + ".items"), error);
            PluginState state = state("crm");
            assertEquals(RegisteredNamespace.MIGRATION_FAILED, state.status());
            assertTrue(state.lastError().contains("long-reader"), state.lastError());
            assertFalse(columnExists(schema, "items", "note"), "the timed-out migration was rolled back");
            reader.rollback();
        }

        PluginRun after = migrate("crm", SHORT);
        assertEquals(Outcome.MIGRATED, after.outcome(), after.toString());
        assertEquals(1, after.applied());
        assertTrue(columnExists(schema, "items", "note"));
        assertEquals(RegisteredNamespace.ACTIVE, state("crm").status());
    }

    @Test
    void aShortLockWaitIsTriedAgainAndSucceedsWithinTheTotalWait() throws Exception {
        String schema = pluginWithPendingAlter("desk");
        Connection reader = longReader(database, schema + ".items");
        // The reader ends after several lock timeouts but well within the total wait.
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            try (reader) {
                reader.rollback();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));

        PluginRun run = migrate("desk", new LockWaitPolicy(Duration.ofMillis(200), Duration.ofSeconds(20)));

        release.get(10, TimeUnit.SECONDS);
        assertEquals(Outcome.MIGRATED, run.outcome(), run.toString());
        assertTrue(columnExists(schema, "items", "note"));
    }

    @Test
    void aPluginMigrationWaitsForARunningBackupAndNamesIt() throws Exception {
        pluginWithPendingAlter("wiki");
        String backupId = "20261202T080000Z-0a1b2c";
        Optional<SchemaChangeGate.Hold> gate = SchemaChangeGate.tryForBackup(PluginFixtures.direct(database),
                Duration.ofSeconds(1));
        assertTrue(gate.isPresent());
        try (SchemaChangeGate.Hold held = gate.get()) {
            TestPostgres.execute(database, "INSERT INTO public.backup_runs (id, kind, backup_id, trigger, status, "
                    + "phase, target, holder) VALUES ('" + backupId + "', 'backup', '" + backupId + "', 'api', "
                    + "'running', 'copying public.agents', 'file:/backups', 'replica-a/42/x')");
            TestPostgres.execute(database, "INSERT INTO public.backup_lease (name, holder, run_id, acquired_at, "
                    + "expires_at) VALUES ('backup', 'replica-a/42/x', '" + backupId + "', now(), now() + "
                    + "interval '1 hour')");

            PluginRun blocked = migrate("wiki", SHORT);

            assertEquals(Outcome.FAILED, blocked.outcome(), blocked.toString());
            assertTrue(blocked.error().contains("did not start within 1500ms: waited for cpdb backup " + backupId
                    + " (phase: copying public.agents"), blocked.error());
            assertEquals(RegisteredNamespace.MIGRATION_FAILED, state("wiki").status());
        }
        // A backup of a version without the gate holds only the lease: still waited for.
        PluginRun leaseOnly = migrate("wiki", SHORT);
        assertEquals(Outcome.FAILED, leaseOnly.outcome(), leaseOnly.toString());
        assertTrue(leaseOnly.error().contains("waited for cpdb backup " + backupId), leaseOnly.error());

        TestPostgres.execute(database, "DELETE FROM public.backup_lease");
        assertEquals(Outcome.MIGRATED, migrate("wiki", SHORT).outcome());
    }

    @Test
    void aPluginWithNothingToApplyIsNotHeldUpByARunningBackup() throws Exception {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1__items.sql",
                "CREATE TABLE items (id int PRIMARY KEY);");
        assertEquals(Outcome.MIGRATED, migrate("notes", SHORT).outcome());
        try (SchemaChangeGate.Hold backup = SchemaChangeGate.tryForBackup(PluginFixtures.direct(database),
                Duration.ofSeconds(1)).orElseThrow()) {
            PluginRun again = migrate("notes", SHORT);
            assertEquals(Outcome.MIGRATED, again.outcome(), again.toString());
            assertEquals(0, again.applied());
            assertEquals(RegisteredNamespace.ACTIVE, state("notes").status());
        }
    }

    @Test
    void aBackupCannotTakeTheGateWhileAPluginMigrationWaitsForItsLocks() throws Exception {
        String schema = pluginWithPendingAlter("tasks");
        try (Connection reader = longReader(database, schema + ".items")) {
            CompletableFuture<PluginRun> run = CompletableFuture.supplyAsync(
                    () -> migrate("tasks", new LockWaitPolicy(Duration.ofMillis(300), Duration.ofSeconds(6))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!gateHeldShared() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(gateHeldShared(), "the waiting migration holds the gate");

            Optional<SchemaChangeGate.Hold> backup = SchemaChangeGate.tryForBackup(PluginFixtures.direct(database),
                    Duration.ofMillis(300));
            assertTrue(backup.isEmpty(), "no backup starts while a migration runs");
            assertTrue(SchemaChangeGate.migrationsHolding(PluginFixtures.direct(database))
                    .startsWith("a schema migration in pid "));

            reader.rollback();
            assertEquals(Outcome.MIGRATED, run.get(20, TimeUnit.SECONDS).outcome());
        }
        Optional<SchemaChangeGate.Hold> after = SchemaChangeGate.tryForBackup(PluginFixtures.direct(database),
                Duration.ofMillis(300));
        assertTrue(after.isPresent(), "the gate is free again once the migration ended");
        after.get().close();
    }

    private boolean gateHeldShared() throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        + "AND mode = 'ShareLock' AND granted AND classid::bigint = " + 0x63706462L
                        + " AND objid::bigint = 1")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }
}
