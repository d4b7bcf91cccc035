package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestPostgres;

/**
 * The backup lease as replicas see it, on a real database with the core schema. Expectations come from our design:
 * one holder at a time, a lease is taken over only once expired, and a replica that was paused past its lease learns
 * at its next heartbeat that another replica declared its run interrupted.
 */
class BackupLeaseRenewalTest {

    private static final Duration TTL = Duration.ofMinutes(1);

    private DatabaseUrl url;

    @BeforeEach
    void migrate() {
        url = TestPostgres.createDatabase("backup_lease");
        Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(PluginFixtures.direct(url).dataSource())
                .locations(MigrationService.LOCATION)
                .load()
                .migrate();
    }

    private void startRun(Connection connection, String holder, String runId) throws SQLException {
        assertTrue(BackupRunRepository.acquireLease(connection, holder, runId, TTL));
        assertTrue(BackupRunRepository.insert(connection, runId, "backup", runId, "api", null, "folder", holder));
    }

    private static void expireLease(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UPDATE public.backup_lease SET expires_at = now() - interval '1 second'");
        }
    }

    @Test
    void theHolderRenewsItsLeaseAndNobodyElseCanTakeItMeanwhile() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            startRun(connection, "replica-a", "20261125T120000Z-aaaa");
            assertTrue(BackupRunRepository.renewLease(connection, "replica-a", "20261125T120000Z-aaaa", TTL));
            assertFalse(BackupRunRepository.acquireLease(connection, "replica-b", "20261125T120100Z-bbbb", TTL));
            assertFalse(BackupRunRepository.renewLease(connection, "replica-b", "20261125T120000Z-aaaa", TTL),
                    "only the holder renews");
        }
    }

    @Test
    void aPausedHolderWhoseRunWasDeclaredInterruptedLearnsItLostTheLease() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            startRun(connection, "replica-a", "20261125T120000Z-aaaa");
            expireLease(connection);
            // Another replica, at its start or schedule tick, finds the run without a live lease.
            assertEquals(1, BackupRunRepository.failInterrupted(connection, Duration.ofHours(1)).size());

            assertFalse(BackupRunRepository.renewLease(connection, "replica-a", "20261125T120000Z-aaaa", TTL),
                    "the run was declared interrupted and its upload aborted: the paused replica must stop");
        }
    }

    @Test
    void aPausedHolderWhoseLeaseExpiredUnnoticedKeepsIt() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            startRun(connection, "replica-a", "20261125T120000Z-aaaa");
            expireLease(connection);
            assertTrue(BackupRunRepository.renewLease(connection, "replica-a", "20261125T120000Z-aaaa", TTL),
                    "nobody took over, so the backup may go on");
        }
    }

    @Test
    void aLeaseTakenOverAfterExpiryIsLostToItsFormerHolder() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            startRun(connection, "replica-a", "20261125T120000Z-aaaa");
            expireLease(connection);
            assertTrue(BackupRunRepository.acquireLease(connection, "replica-b", "20261125T120100Z-bbbb", TTL));
            assertFalse(BackupRunRepository.renewLease(connection, "replica-a", "20261125T120000Z-aaaa", TTL));
        }
    }

    @Test
    void aDrillWhoseHolderStoppedEndsInterruptedOnceItsOwnLeaseExpiredWhileOtherDrillsGoOn() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            String stopped = "verify-20261125T120000Z-aaaa";
            String alive = "verify-20261125T120100Z-bbbb";
            String withoutLease = "verify-20261125T120200Z-cccc";
            for (String drill : List.of(stopped, alive)) {
                BackupRunRepository.takeDrillLease(connection, "replica-" + drill.charAt(drill.length() - 1), drill,
                        TTL);
                assertTrue(BackupRunRepository.insert(connection, drill, "verify", "20261125T110000Z-dddd", "api", null,
                        "folder", "replica-" + drill.charAt(drill.length() - 1)));
            }
            // A drill recorded by a version that gave drills no lease: young, so not judged yet.
            assertTrue(BackupRunRepository.insert(connection, withoutLease, "verify", "20261125T110000Z-dddd", "api",
                    null, "folder", "old-replica"));
            try (Statement statement = connection.createStatement()) {
                statement.execute("UPDATE public.backup_lease SET expires_at = now() - interval '1 second' "
                        + "WHERE run_id = '" + stopped + "'");
            }

            assertEquals(List.of(stopped), BackupRunRepository.failInterrupted(connection, Duration.ofHours(6))
                    .stream().map(BackupRun::id).toList());
            assertTrue(BackupRunRepository.renewLease(connection, "replica-b", alive, TTL), "the other drill goes on");
            assertFalse(BackupRunRepository.renewLease(connection, "replica-a", stopped, TTL));
            assertEquals(List.of(withoutLease), BackupRunRepository.failInterrupted(connection, Duration.ZERO).stream()
                    .map(BackupRun::id).toList(), "past its age, a drill without lease counts as interrupted");
        }
    }

    @Test
    void aSucceededRunKeepsRenewingWhileItsRetentionStepRuns() throws Exception {
        try (Connection connection = TestPostgres.connect(url)) {
            startRun(connection, "replica-a", "20261125T120000Z-aaaa");
            BackupRunRepository.finish(connection, "20261125T120000Z-aaaa", true, 10L, 1L, null);
            assertTrue(BackupRunRepository.renewLease(connection, "replica-a", "20261125T120000Z-aaaa", TTL));
        }
    }
}
