package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.TestPostgres;

/**
 * What a restore requires of its target and what {@code --clean} drops, by cpdb's design: only the schemas the backup
 * holds, known from the script's checking pass before any statement runs.
 */
class RestoreCleanTest {

    private static DatabaseUrl source() {
        DatabaseUrl source = TestPostgres.createDatabase("clean_source");
        TestPostgres.execute(source, "CREATE SCHEMA app");
        TestPostgres.execute(source, "CREATE TABLE app.items (id int PRIMARY KEY, name text)");
        TestPostgres.execute(source, "INSERT INTO app.items VALUES (1, 'one'), (2, 'two')");
        TestPostgres.execute(source, "CREATE TABLE public.settings (key text PRIMARY KEY)");
        return source;
    }

    @Test
    void theCheckingPassFindsTheSchemasAndExtensionsAScriptCreates() throws SQLException {
        DatabaseUrl source = source();
        TestPostgres.execute(source, "CREATE SCHEMA \"Mixed Case\"");

        RestoreEngine.ScriptContents contents = RestoreEngine.inspect(
                new ByteArrayInputStream(BackupFixtures.dump(source, 1)), false);

        assertEquals(List.of("Mixed Case", "app"), contents.schemas());
        assertEquals(List.of("Mixed Case", "app", "public"), contents.holdings(true).schemas());
    }

    @Test
    void cleanWithADefaultBackupLeavesSchemasTheBackupDoesNotHold() throws SQLException {
        byte[] script = BackupFixtures.dump(source(), 1);
        DatabaseUrl target = TestPostgres.createDatabase("clean_target");
        TestPostgres.execute(target, "CREATE SCHEMA app");
        TestPostgres.execute(target, "CREATE TABLE app.stale (id int)");
        TestPostgres.execute(target, "CREATE TABLE public.stale (id int)");
        TestPostgres.execute(target, "CREATE SCHEMA unrelated");
        TestPostgres.execute(target, "CREATE TABLE unrelated.kept (id int)");
        TestPostgres.execute(target, "INSERT INTO unrelated.kept VALUES (42)");

        BackupFixtures.restore(target, script, true);

        assertEquals("2", BackupFixtures.query(target, "SELECT count(*) FROM app.items"));
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_class WHERE relname = 'stale'"));
        assertEquals("42", BackupFixtures.query(target, "SELECT string_agg(id::text, ',') FROM unrelated.kept"));
    }

    @Test
    void aTargetWithOnlyOtherSchemasNeedsNoClean() throws SQLException {
        byte[] script = BackupFixtures.dump(source(), 1);
        DatabaseUrl target = TestPostgres.createDatabase("clean_other_only");
        TestPostgres.execute(target, "CREATE SCHEMA platform");
        TestPostgres.execute(target, "CREATE TABLE platform.users (id int)");

        BackupFixtures.restore(target, script, false);

        assertEquals("2", BackupFixtures.query(target, "SELECT count(*) FROM app.items"));
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM platform.users"));
    }

    @Test
    void aStatementCreatingASchemaTheCheckingPassDidNotFindIsRefusedAndNothingChanges() throws SQLException {
        byte[] script = BackupFixtures.dump(source(), 1);
        DatabaseUrl target = TestPostgres.createDatabase("clean_mismatch");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int)");
        // Holdings that do not match the script, as if the script had changed between the two passes.
        RestoreEngine.Holdings holdings = new RestoreEngine.Holdings(List.of("public"), List.of());

        BackupException e;
        try (Connection connection = TestPostgres.connect(target)) {
            e = assertThrows(BackupException.class, () -> RestoreEngine.restore(connection,
                    new ByteArrayInputStream(script), holdings, true, false, true, () -> {
                    }));
        }

        assertTrue(e.getMessage().contains("creates schema app, which the checking pass did not find"),
                e.getMessage());
        assertEquals("1", BackupFixtures.query(target,
                "SELECT count(*) FROM pg_class WHERE relname = 'precious'"), "the drop of public was rolled back");
    }

    @Test
    void aDataBlockOtherThanTheCheckingPassMeasuredIsRefusedAndNothingChanges() throws SQLException {
        byte[] checked = BackupFixtures.dump(source(), 1);
        RestoreEngine.Holdings holdings = RestoreEngine.inspect(new ByteArrayInputStream(checked), false)
                .holdings(true);
        // The same script with one row longer, as if the object had changed between the two passes.
        byte[] changed = new String(checked, StandardCharsets.UTF_8).replace("\tone\n", "\tone more\n")
                .getBytes(StandardCharsets.UTF_8);
        DatabaseUrl target = TestPostgres.createDatabase("clean_changed_data");

        BackupException e;
        try (Connection connection = TestPostgres.connect(target)) {
            e = assertThrows(BackupException.class, () -> RestoreEngine.restore(connection,
                    new ByteArrayInputStream(changed), holdings, false, false, true, () -> {
                    }));
        }

        assertTrue(e.getMessage().contains("is not the data the checking pass read"), e.getMessage());
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"),
                "rolled back");
    }

    @Test
    void cleanNeedsToKnowWhatTheBackupHolds() throws SQLException {
        DatabaseUrl target = TestPostgres.createDatabase("clean_unknown");
        try (Connection connection = TestPostgres.connect(target)) {
            assertThrows(IllegalArgumentException.class, () -> RestoreEngine.restore(connection,
                    new ByteArrayInputStream(new byte[0]), null, true, false, true, () -> {
                    }));
        }
    }
}
