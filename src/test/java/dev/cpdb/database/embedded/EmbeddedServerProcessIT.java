package dev.cpdb.database.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The README's run command (no DATABASE_URL) as a real process: ready on the embedded server, data kept across
 * restarts, clean shutdown on SIGTERM, and no orphaned server after SIGKILL.
 */
class EmbeddedServerProcessIT {

    @Test
    void theEmbeddedDefaultKeepsDataAcrossRestartsAndSurvivesAKilledJvm() throws Exception {
        Path home = TestFolders.create("cpdb-it-home");
        int pgPort = FreePorts.next();
        Path instance = home.resolve("instances/default");

        int httpPort = FreePorts.next();
        try (CpdbProcess first = CpdbProcess.start(environment(home, pgPort, httpPort))) {
            first.awaitHttp200(httpPort, "/q/health/ready", Duration.ofSeconds(90));
            assertTrue(CpdbProcess.get(httpPort, "/api/db/status").contains("\"ready\":true"));
            // The README's quick start: the generated operator token is in the instance folder and in this first
            // start's log, once.
            String token = java.nio.file.Files.readString(instance.resolve("admin-token")).strip();
            assertEquals(1, first.stdout().split(java.util.regex.Pattern.quote(token), -1).length - 1,
                    first.stdout());
            execute(instance, pgPort, "INSERT INTO companies (id, name, issue_prefix) "
                    + "VALUES ('00000000-0000-0000-0000-000000000001', 'Kept Co', 'KEPT')");

            first.terminate();
            int exit = first.awaitExit(Duration.ofSeconds(30));
            // A JVM ended by SIGTERM reports 143 (128 + 15) after running its shutdown hooks.
            assertTrue(exit == 0 || exit == 143, "SIGTERM is an orderly shutdown, exit " + exit);
            assertTrue(first.stdout().contains("embedded PostgreSQL stopped"), first.stdout());
            assertFalse(Files.exists(instance.resolve("db/postmaster.pid")), "the embedded server was stopped");
        }

        httpPort = FreePorts.next();
        long serverPid;
        try (CpdbProcess second = CpdbProcess.start(environment(home, pgPort, httpPort))) {
            second.awaitHttp200(httpPort, "/q/health/ready", Duration.ofSeconds(90));
            assertEquals("Kept Co",
                    queryOne(instance, pgPort, "SELECT name FROM companies WHERE issue_prefix = 'KEPT'"));
            serverPid = PostmasterPid.read(instance.resolve("db")).orElseThrow().pid();
            String token = java.nio.file.Files.readString(instance.resolve("admin-token")).strip();
            assertFalse(second.stdout().contains(token), "the token is logged only when it is generated");

            second.kill();
            second.awaitExit(Duration.ofSeconds(30));
        }
        assertTrue(awaitEnded(serverPid, Duration.ofSeconds(30)),
                "the embedded server must not outlive a killed JVM");

        httpPort = FreePorts.next();
        try (CpdbProcess third = CpdbProcess.start(environment(home, pgPort, httpPort))) {
            third.awaitHttp200(httpPort, "/q/health/ready", Duration.ofSeconds(90));
            assertEquals("Kept Co",
                    queryOne(instance, pgPort, "SELECT name FROM companies WHERE issue_prefix = 'KEPT'"));
        }
    }

    @Test
    void aSecondServiceOnTheSameInstanceIsRefusedWhileStatusCanShareIt() {
        Path home = TestFolders.create("cpdb-it-home");
        int pgPort = FreePorts.next();
        int httpPort = FreePorts.next();
        try (CpdbProcess owner = CpdbProcess.start(environment(home, pgPort, httpPort))) {
            owner.awaitHttp200(httpPort, "/q/health/ready", Duration.ofSeconds(90));

            CpdbProcess second = CpdbProcess.run(environment(home, pgPort, FreePorts.next()));
            assertTrue(second.exitCode() != 0);
            assertTrue(second.stderr().contains("another cpdb process (pid " + owner.pid() + ")"), second.stderr());

            CpdbProcess status = CpdbProcess.run(environment(home, pgPort, FreePorts.next()), "status");
            assertEquals(0, status.exitCode(), status.stderr());
            assertTrue(status.stdout().contains("\"ownedByThisProcess\" : false"), status.stdout());
            assertTrue(owner.isAlive());
        }
    }

    private static Map<String, String> environment(Path home, int pgPort, int httpPort) {
        return Map.of("CPDB_HOME", home.toString(), "CPDB_EMBEDDED_PORT", Integer.toString(pgPort),
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort));
    }

    private static boolean awaitEnded(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static DatabaseUrl url(Path instance, int port) throws Exception {
        String password = Files.readString(instance.resolve("db.password")).strip();
        return new DatabaseUrl("127.0.0.1", port, "cpdb", "cpdb", password, Map.of());
    }

    private static void execute(Path instance, int port, String sql) throws Exception {
        TestPostgres.execute(url(instance, port), sql);
    }

    private static String queryOne(Path instance, int port, String sql) throws Exception {
        try (Connection connection = TestPostgres.connect(url(instance, port));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
