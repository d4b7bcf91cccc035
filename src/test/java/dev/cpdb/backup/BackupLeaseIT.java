package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.Await;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Several replicas of the packaged service against one database: scheduled backups are taken once per slot by one
 * replica, the loss of the replica holding the lease frees it for the others, and SIGTERM during a backup cancels
 * it cleanly. Expectations come from cpdb's design (lease row with database time, unique slot per run).
 */
class BackupLeaseIT {

    static final String TOKEN = "lease-test-token-0123456789abcdef";

    @Test
    void threeReplicasTakeOneBackupPerSlotAndAnotherTakesOverWhenTheLeaseHolderDies() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("lease_slots");
        Path backups = TestFolders.create("cpdb-lease-backups");
        List<CpdbProcess> replicas = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int port = FreePorts.next();
                ports.add(port);
                replicas.add(CpdbProcess.start(environment(database, backups, port, "15s")));
            }
            for (int i = 0; i < 3; i++) {
                replicas.get(i).awaitHttp200(ports.get(i), "/q/health/ready", Duration.ofSeconds(120));
            }
            await(Duration.ofSeconds(90), () -> count(database, "status = 'succeeded'") >= 3);

            // Make the next scheduled backup hang on its table locks, then kill the replica that holds the lease.
            try (Connection blocker = TestPostgres.connect(database); Statement sql = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                sql.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
                await(Duration.ofSeconds(40),
                        () -> count(database, "status = 'running' AND phase = 'locking tables'") == 1);
                long holderPid = Long.parseLong(query(database, "SELECT split_part(holder, '/', 2) FROM "
                        + "public.backup_lease").get(0));
                CpdbProcess holder = replicas.stream().filter(p -> p.pid() == holderPid).findFirst().orElseThrow();
                holder.kill();
                holder.awaitExit(Duration.ofSeconds(30));
                blocker.rollback();
            }
            long succeededBefore = count(database, "status = 'succeeded'");
            await(Duration.ofSeconds(90), () -> count(database, "status = 'succeeded'") > succeededBefore
                    && count(database, "status = 'failed'") == 1);
        } finally {
            replicas.forEach(CpdbProcess::close);
        }

        List<String> perSlot = query(database, "SELECT count(*) FROM public.backup_runs WHERE kind = 'backup' "
                + "GROUP BY slot");
        assertTrue(perSlot.stream().allMatch("1"::equals), "exactly one run per slot: " + perSlot);
        List<String> gaps = query(database, "SELECT slot FROM (SELECT slot, lag(slot) OVER (ORDER BY slot) AS prev "
                + "FROM public.backup_runs WHERE kind = 'backup') s WHERE prev IS NOT NULL "
                + "AND slot - prev <> interval '15 seconds'");
        assertEquals(List.of(), gaps, "no slot was missed");
        assertEquals(List.of("interrupted: the replica or command running it stopped before it finished"),
                query(database, "SELECT error FROM public.backup_runs WHERE status = 'failed'"));
        assertTrue(query(database, "SELECT count(DISTINCT holder) FROM public.backup_runs WHERE status = "
                + "'succeeded'").stream().allMatch(n -> Integer.parseInt(n) >= 1));
        long manifests;
        try (Stream<Path> files = Files.walk(backups)) {
            manifests = files.filter(file -> file.getFileName().toString().equals("manifest.json")).count();
        }
        assertEquals(count(database, "status = 'succeeded'"), manifests, "one committed backup per successful run");
    }

    @Test
    void sigtermDuringABackupCancelsItAbortsTheUploadAndReleasesTheLease() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("lease_sigterm");
        Path backups = TestFolders.create("cpdb-sigterm-backups");
        int port = FreePorts.next();
        try (CpdbProcess replica = CpdbProcess.start(environment(database, backups, port, "off"))) {
            replica.awaitHttp200(port, "/q/health/ready", Duration.ofSeconds(120));
            try (Connection blocker = TestPostgres.connect(database); Statement sql = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                sql.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
                assertEquals(202, post(port, "/api/db/backups"));
                await(Duration.ofSeconds(30),
                        () -> count(database, "status = 'running' AND phase = 'locking tables'") == 1);

                replica.terminate();
                int exit = replica.awaitExit(Duration.ofSeconds(25));
                assertTrue(exit == 0 || exit == 143, "exit " + exit);
                blocker.rollback();
            }
        }
        assertCancelledByShutdown(database, backups, "locking tables");
    }

    /**
     * What the one backup of {@code database}, cancelled by SIGTERM while in {@code phase}, leaves behind: its run
     * failed naming the shutdown and the phase, the lease released, and no file of it in the folder {@code backups}.
     */
    static void assertCancelledByShutdown(DatabaseUrl database, Path backups, String phase) throws Exception {
        assertEquals(List.of("failed"), query(database, "SELECT status FROM public.backup_runs"));
        String error = query(database, "SELECT error FROM public.backup_runs").get(0);
        assertTrue(error.startsWith("cancelled by shutdown while " + phase), "the real cause: " + error);
        assertEquals(List.of("0"), query(database, "SELECT count(*) FROM public.backup_lease"));
        try (Stream<Path> files = Files.walk(backups)) {
            // The target's marker file (BackupTargetGuard) stays: it belongs to the folder, not to a backup.
            assertEquals(List.of(), files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().equals(BackupTargetGuard.MARKER_FILE))
                    .toList(), "no manifest, no data object, no temporary file");
        }
    }

    /** A replica's (or command's) environment: one database, one backup folder, a short lease. */
    static Map<String, String> environment(DatabaseUrl database, Path backups, int port, String schedule) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", TestPostgres.libpq(database));
        env.put("CPDB_HOME", TestFolders.create("cpdb-lease-home").toString());
        env.put("CPDB_ADMIN_TOKEN", TOKEN);
        env.put("CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY);
        env.put("CPDB_BACKUP_TARGET", backups.toString());
        env.put("CPDB_BACKUP_SCHEDULE", schedule);
        env.put("CPDB_BACKUP_VERIFY_SCHEDULE", "off");
        env.put("CPDB_BACKUP_LEASE_TTL", "6s");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return env;
    }

    private static int post(int port, String path) {
        return CpdbProcess.send(port, "POST", path, TOKEN, null).statusCode();
    }

    private static long count(DatabaseUrl database, String where) {
        try {
            return Long.parseLong(query(database, "SELECT count(*) FROM public.backup_runs WHERE kind = 'backup' AND "
                    + where).get(0));
        } catch (SQLException e) {
            return -1;
        }
    }

    private static List<String> query(DatabaseUrl database, String sql) throws SQLException {
        return TestPostgres.column(database, sql);
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(timeout, condition);
    }
}
