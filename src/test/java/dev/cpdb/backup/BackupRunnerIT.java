package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.Await;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Service replicas and the {@code backup} command of the packaged jar against one database: one backup runner for
 * every trigger. Expectations come from cpdb's design: one lease for every backup, whoever starts it; a run row for
 * each, visible through the API while it runs; a run whose holder died ends interrupted once its lease has expired,
 * noticed by a replica that is merely running; metrics and the backups health group read from the run table.
 */
class BackupRunnerIT {

    private static final String TOKEN = BackupLeaseIT.TOKEN;
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final Pattern LAST_SUCCESS_METRIC = Pattern.compile(
            "(?m)^cpdb_backup_last_success_timestamp_seconds(?:\\{[^}]*\\})? (\\S+)$");
    private static final Pattern LAST_SUCCESS_HEALTH = Pattern.compile("\"lastSuccess\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void twoReplicasAndTheCommandTakeOneBackupAtATimeAndReportTheSameFromTheRunTable() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("runner_one_at_a_time");
        Path backups = TestFolders.create("cpdb-runner-backups");
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        CpdbProcess replicaA = CpdbProcess.start(environment(database, backups, portA));
        CpdbProcess replicaB = CpdbProcess.start(environment(database, backups, portB));
        List<CpdbProcess> commands = new ArrayList<>();
        try {
            replicaA.awaitHttp200(portA, "/q/health/ready", PATIENCE);
            replicaB.awaitHttp200(portB, "/q/health/ready", PATIENCE);
            // A live setting stored through one replica holds for the command's backups as for the replicas'.
            assertEquals(200, send(portA, "PATCH", "/api/settings/backup.compression", "{\"value\": \"gzip\"}")
                    .statusCode());
            String commandRun;
            try (Connection blocker = TestPostgres.connect(database); Statement sql = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                sql.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
                CpdbProcess first = CpdbProcess.start(environment(database, backups, 0), "backup");
                commands.add(first);
                await(() -> !query(database, "SELECT id FROM public.backup_runs WHERE trigger = 'cli' AND status = "
                        + "'running' AND phase = 'locking tables'").isEmpty());
                commandRun = query(database, "SELECT id FROM public.backup_runs WHERE trigger = 'cli'").get(0);

                for (int port : List.of(portA, portB)) {
                    String listed = send(port, "GET", "/api/db/backups", null).body();
                    assertTrue(listed.contains("\"backupId\":\"" + commandRun + "\",\"status\":\"running\""),
                            "the command's backup is listed as running by every replica: " + listed);
                }
                HttpResponse<String> refused = send(portB, "POST", "/api/db/backups", null);
                assertEquals(409, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains(commandRun), refused.body());

                CpdbProcess impatient = CpdbProcess.run(environment(database, backups, 0), "backup", "--no-wait");
                assertNotEquals(0, impatient.exitCode(), impatient.stdout());
                assertTrue(impatient.stderr().contains("backup " + commandRun + " is running on ")
                        && impatient.stderr().contains("/" + first.pid() + "/"), impatient.stderr());

                CpdbProcess patient = CpdbProcess.start(environment(database, backups, 0), "backup");
                commands.add(patient);
                await(() -> patient.stderr().contains("waiting: backup " + commandRun + " is running on "));
                blocker.rollback();
            }
            for (CpdbProcess command : commands) {
                assertEquals(0, command.awaitExit(PATIENCE), command.stderr());
            }
            assertEquals(202, send(portA, "POST", "/api/db/backups", null).statusCode());
            await(() -> count(database, "status = 'succeeded'") == 3);

            assertEquals(List.of("cli", "cli", "api"), query(database, "SELECT trigger FROM public.backup_runs "
                    + "WHERE status = 'succeeded' ORDER BY started_at"));
            try (Stream<Path> files = Files.walk(backups)) {
                assertEquals(3, files.filter(file -> file.getFileName().toString().equals("data.sql.gz")).count(),
                        "every backup, the commands' too, is compressed as the live setting says");
            }
            assertEquals(List.of(), query(database, "SELECT a.id FROM public.backup_runs a JOIN public.backup_runs b "
                    + "ON a.id < b.id AND a.started_at < b.finished_at AND b.started_at < a.finished_at"),
                    "no two backups ran at the same time");

            long lastSuccess = (long) Double.parseDouble(query(database, "SELECT extract(epoch FROM "
                    + "date_trunc('second', max(finished_at))) FROM public.backup_runs WHERE status = 'succeeded'")
                    .get(0));
            await(() -> lastSuccessMetric(portA) == lastSuccess && lastSuccessMetric(portB) == lastSuccess);
            assertEquals(lastSuccessHealth(portA), lastSuccessHealth(portB), "both replicas report one last success");

            replicaB.close();
            int restartedPort = FreePorts.next();
            replicaB = CpdbProcess.start(environment(database, backups, restartedPort));
            replicaB.awaitHttp200(restartedPort, "/q/health/ready", PATIENCE);
            await(() -> lastSuccessMetric(restartedPort) == lastSuccess);
            assertEquals(lastSuccessHealth(portA), lastSuccessHealth(restartedPort), "a restart forgets nothing");
        } finally {
            commands.forEach(CpdbProcess::close);
            replicaA.close();
            replicaB.close();
        }
    }

    @Test
    void aHolderKilledMidBackupEndsInterruptedAndItsLeftoversGoWithoutRestartOrScheduleTick() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("runner_killed_holder");
        Path backups = TestFolders.create("cpdb-runner-killed");
        int port = FreePorts.next();
        try (CpdbProcess replica = CpdbProcess.start(environment(database, backups, port))) {
            replica.awaitHttp200(port, "/q/health/ready", PATIENCE);
            try (Connection blocker = TestPostgres.connect(database); Statement sql = blocker.createStatement()) {
                blocker.setAutoCommit(false);
                sql.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
                try (CpdbProcess holder = CpdbProcess.start(environment(database, backups, 0), "backup")) {
                    await(() -> count(database, "status = 'running' AND phase = 'locking tables'") == 1);
                    await(() -> !partialFiles(backups).isEmpty());
                    holder.kill();
                    holder.awaitExit(Duration.ofSeconds(30));
                }
                blocker.rollback();
            }

            // The replica's schedule is off and it is not restarted: only its periodic look can end the run.
            await(() -> count(database, "status = 'failed'") == 1);
            assertEquals(List.of("interrupted: the replica or command running it stopped before it finished"),
                    query(database, "SELECT error FROM public.backup_runs"));
            await(() -> partialFiles(backups).isEmpty());
            String runId = query(database, "SELECT id FROM public.backup_runs").get(0);
            assertTrue(send(port, "GET", "/api/db/backups/" + runId, null).body().contains("\"status\":\"failed\""));
        }
    }

    @Test
    void theBackupCommandStoppedBySigtermRecordsTheShutdownAndLeavesNothingInTheStore() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("runner_command_sigterm");
        Path backups = TestFolders.create("cpdb-runner-sigterm");
        // Migrated as for a deployed service, so the command's backup takes the lease and records its run.
        CpdbProcess migrate = CpdbProcess.run(environment(database, backups, 0), "migrate");
        assertEquals(0, migrate.exitCode(), migrate.stderr());
        try (Connection blocker = TestPostgres.connect(database); Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.execute("LOCK TABLE public.companies IN ACCESS EXCLUSIVE MODE");
            try (CpdbProcess command = CpdbProcess.start(environment(database, backups, 0), "backup")) {
                await(() -> count(database, "status = 'running' AND phase = 'locking tables'") == 1);
                await(() -> !partialFiles(backups).isEmpty());

                command.terminate();
                int exit = command.awaitExit(Duration.ofSeconds(30));

                assertNotEquals(0, exit, command.stdout());
                assertTrue(command.stderr().contains("cancelled by shutdown while locking tables"), command.stderr());
            }
            blocker.rollback();
        }
        BackupLeaseIT.assertCancelledByShutdown(database, backups, "locking tables");
    }

    private static Map<String, String> environment(DatabaseUrl database, Path backups, int port) {
        Map<String, String> env = new HashMap<>(BackupLeaseIT.environment(database, backups, port, "off"));
        // Backups wait on a test's table lock for as long as the test needs.
        env.put("CPDB_BACKUP_LOCK_TIMEOUT", "5m");
        return env;
    }

    /** Files of unfinished uploads in the folder store (its hidden {@code .<name>.partial-<uuid>} files). */
    private static List<Path> partialFiles(Path backups) {
        try (Stream<Path> files = Files.walk(backups)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().contains(".partial-"))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long lastSuccessMetric(int port) {
        Matcher value = LAST_SUCCESS_METRIC.matcher(CpdbProcess.get(port, "/q/metrics"));
        return value.find() ? (long) Double.parseDouble(value.group(1)) : -1;
    }

    private static String lastSuccessHealth(int port) {
        String body = CpdbProcess.get(port, "/q/health/group/backups");
        Matcher value = LAST_SUCCESS_HEALTH.matcher(body);
        assertTrue(value.find(), body);
        return value.group(1);
    }

    private static HttpResponse<String> send(int port, String method, String path, String json) {
        return CpdbProcess.send(port, method, path, TOKEN, json);
    }

    private static long count(DatabaseUrl database, String where) {
        List<String> value = query(database, "SELECT count(*) FROM public.backup_runs WHERE kind = 'backup' AND "
                + where);
        return value.isEmpty() ? -1 : Long.parseLong(value.get(0));
    }

    /** A query's first column; empty while the database cannot answer it (not migrated yet). */
    private static List<String> query(DatabaseUrl database, String sql) {
        try {
            return TestPostgres.column(database, sql);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Await.until(PATIENCE, condition);
    }
}
