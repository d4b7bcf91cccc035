package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * Restores across servers: from PostgreSQL 15 into the product's newer default major, from 15 and 17 into 18, and a
 * restore that fails half-way (the target server lacks a role a policy names) leaving the target exactly as it was.
 */
@RequiresPostgresClientTools
class CrossServerRestoreTest {

    @Test
    void aBackupOfPostgres15RestoresIntoTheNewerDefaultMajor() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server15(), "cross_source");
        BackupFixtures.loadFixture(source);
        byte[] script = BackupFixtures.dump(source);
        DatabaseUrl target = TestPostgres.createDatabase(TestPostgres.server(), "cross_target");

        BackupFixtures.restore(target, script, false);

        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
        assertEquals(BackupFixtures.query(source, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON "
                + "n.oid = c.connamespace WHERE n.nspname = 'app'"),
                BackupFixtures.query(target, "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON "
                        + "n.oid = c.connamespace WHERE n.nspname = 'app' AND c.contype <> 'n'"));
    }

    @Test
    void backupsOfPostgres15And17RestoreIntoPostgres18() throws Exception {
        for (EmbeddedPostgres older : List.of(TestPostgres.server15(), TestPostgres.server())) {
            DatabaseUrl source = TestPostgres.createDatabase(older, "to18_source");
            BackupFixtures.loadFixture(source);
            byte[] script = BackupFixtures.dump(source);
            DatabaseUrl target = TestPostgres.createDatabase(TestPostgres.server18(), "to18_target");

            BackupFixtures.restore(target, script, false);

            assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
            // PostgreSQL 18 adds a not-null constraint per NOT NULL column; the other constraints match one to one.
            String constraints = "SELECT string_agg(conname || ' ' || pg_get_constraintdef(c.oid), ', ' ORDER BY "
                    + "conname) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                    + "WHERE n.nspname = 'app' AND c.contype <> 'n'";
            assertEquals(BackupFixtures.query(source, constraints), BackupFixtures.query(target, constraints));
            assertEquals(BackupFixtures.query(source, NOT_NULL_COLUMNS), BackupFixtures.query(target,
                    NOT_NULL_COLUMNS));
        }
    }

    /** The columns of the fixture's schema that refuse nulls. */
    private static final String NOT_NULL_COLUMNS = "SELECT string_agg(attrelid::regclass || '.' || attname, ', ' "
            + "ORDER BY attrelid::regclass::text, attname) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            + "WHERE c.relnamespace = 'app'::regnamespace AND a.attnotnull AND a.attnum > 0 AND c.relkind <> 'i'";

    @Test
    void aRestoreThatFailsHalfWayLeavesTheTargetAsItWas() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server15(), "halfway_source");
        BackupFixtures.loadFixture(source);
        String role = "fixture_reader_" + ProcessHandle.current().pid();
        TestPostgres.execute(source, "DO $$ BEGIN CREATE ROLE " + role + "; EXCEPTION WHEN duplicate_object THEN "
                + "NULL; END $$");
        TestPostgres.execute(source, "CREATE POLICY readers_only ON app.projects FOR SELECT TO " + role
                + " USING (true)");
        byte[] script = BackupFixtures.dump(source);
        // The target server has no such role: the policy, near the end of the script, fails after all data loaded.
        DatabaseUrl target = TestPostgres.createDatabase(TestPostgres.server(), "halfway_target");
        TestPostgres.execute(target, "CREATE TABLE public.keep_me (id int)");
        TestPostgres.execute(target, "INSERT INTO public.keep_me VALUES (1), (2)");
        java.util.Map<String, String> before = BackupFixtures.rowHashes(target);

        BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.restore(target, script, true));

        assertTrue(e.getMessage().contains(role), e.getMessage());
        assertEquals(before, BackupFixtures.rowHashes(target), "even --clean's drops were rolled back");
        assertEquals("0", BackupFixtures.query(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"));
    }

    @Test
    void aPassedDeadlineFailsTheBackupNamingThePhase() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "deadline_source");
        TestPostgres.execute(source, "CREATE TABLE public.t AS SELECT g FROM generate_series(1, 10) g");

        try (Connection connection = TestPostgres.connect(source)) {
            BackupException e = assertThrows(BackupException.class, () -> BackupEngine.dump(connection,
                    new ByteArrayOutputStream(), new BackupEngine.Options(Duration.ofSeconds(5),
                            Instant.now().minusSeconds(1))));
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertTrue(e.retryable());
        }
    }

    @Test
    void aDeadlinePassingMidWayFailsTheBackupNamingTheTableBeingCopied() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "slow_source");
        for (int i = 0; i < 30; i++) {
            TestPostgres.execute(source, "CREATE TABLE public.t" + i + " AS SELECT g FROM generate_series(1, 3) g");
        }

        // A slow destination (each write takes 20 ms) makes the dump outlive a 600 ms deadline part-way through.
        try (Connection connection = TestPostgres.connect(source)) {
            BackupException e = assertThrows(BackupException.class, () -> BackupEngine.dump(connection,
                    new java.io.OutputStream() {
                        @Override
                        public void write(int b) {
                            sleepQuietly();
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            sleepQuietly();
                        }
                    }, new BackupEngine.Options(Duration.ofSeconds(5), Instant.now().plusMillis(600))));
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertTrue(e.phase().startsWith("copying public.t"), e.phase());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
