package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * Restores across servers: from PostgreSQL 15 into the product's newer default major, and a restore that fails
 * half-way (the target server lacks a role a policy names) leaving the target exactly as it was.
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
                        + "n.oid = c.connamespace WHERE n.nspname = 'app' AND c.contype <> 'n'"),
                "PostgreSQL 18 adds not-null constraints to pg_constraint; everything else matches");
    }

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
