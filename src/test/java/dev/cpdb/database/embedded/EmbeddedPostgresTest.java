package dev.cpdb.database.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The embedded server's life cycle on real PostgreSQL binaries: first start, restart with the same data, one owner
 * per instance folder, recovery from what a crashed process leaves behind.
 */
class EmbeddedPostgresTest {

    private static EmbeddedPostgres.Settings freshInstance() {
        return new EmbeddedPostgres.Settings(TestFolders.create("cpdb-embedded").resolve("instances/default"),
                TestFolders.distributions(), FreePorts.next(), "cpdb", Duration.ofSeconds(60));
    }

    @Test
    void dataSurvivesARestartAndTheServerCleansUpOnClose() throws Exception {
        EmbeddedPostgres.Settings settings = freshInstance();
        try (EmbeddedPostgres first = EmbeddedPostgres.start(settings)) {
            assertTrue(first.owned());
            try (Connection connection = TestPostgres.connect(first.url());
                    Statement sql = connection.createStatement()) {
                sql.execute("CREATE TABLE kept (value text)");
                sql.execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        assertFalse(Files.exists(settings.dataDir().resolve("postmaster.pid")), "a clean stop removes the pid file");

        try (EmbeddedPostgres second = EmbeddedPostgres.start(settings)) {
            assertEquals("still here", queryOne(second, "SELECT value FROM kept"));
        }
    }

    @Test
    void theDatabaseListensOnLoopbackWithAGeneratedPasswordKeptPrivate() throws Exception {
        EmbeddedPostgres.Settings settings = freshInstance();
        try (EmbeddedPostgres server = EmbeddedPostgres.start(settings)) {
            assertEquals("127.0.0.1", queryOne(server, "SELECT host(inet_server_addr())"));
            assertEquals("cpdb", queryOne(server, "SELECT current_database()"));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(settings.instanceDir().resolve("db.password"))));
            assertFalse(server.url().password().isBlank());
        }
    }

    @Test
    void aSecondOwnerOfTheSameInstanceIsRefused() {
        EmbeddedPostgres.Settings settings = freshInstance();
        try (EmbeddedPostgres first = EmbeddedPostgres.start(settings)) {
            EmbeddedPostgresException refused = assertThrows(EmbeddedPostgresException.class,
                    () -> EmbeddedPostgres.start(settings));

            assertTrue(refused.getMessage().contains("another cpdb process"), refused.getMessage());
            assertTrue(refused.getMessage().contains("CPDB_INSTANCE_ID"), refused.getMessage());
        }
    }

    @Test
    void aOneOffCommandSharesTheRunningServerWithoutStoppingIt() throws Exception {
        EmbeddedPostgres.Settings settings = freshInstance();
        try (EmbeddedPostgres owner = EmbeddedPostgres.start(settings)) {
            EmbeddedPostgres shared = EmbeddedPostgres.attachOrStart(settings);
            assertFalse(shared.owned());
            assertEquals(owner.port(), shared.port());
            assertEquals("1", queryOne(shared, "SELECT 1"));

            shared.close();

            assertEquals("1", queryOne(owner, "SELECT 1"), "closing the sharer must not stop the owner's server");
        }
    }

    @Test
    void aStalePidFileOfAnEndedProcessIsRecovered() throws Exception {
        EmbeddedPostgres.Settings settings = freshInstance();
        EmbeddedPostgres.start(settings).close();
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor(10, TimeUnit.SECONDS);
        Files.writeString(settings.dataDir().resolve("postmaster.pid"),
                ended.pid() + "\n" + settings.dataDir() + "\n1700000000\n" + settings.port() + "\n\n127.0.0.1\n"
                        + "  1234 5678\nready   \n");

        try (EmbeddedPostgres server = EmbeddedPostgres.start(settings)) {
            assertEquals("1", queryOne(server, "SELECT 1"));
        }
    }

    @Test
    void aServerLeftRunningByADeadOwnerIsStoppedAndReplaced() throws Exception {
        EmbeddedPostgres.Settings settings = freshInstance();
        EmbeddedPostgres.start(settings).close();
        // What a killed cpdb can leave behind: a live server on the data folder and nobody holding the lock.
        PostgresDistribution distribution = PostgresDistribution.unpackInto(settings.distributionsDir());
        ServerUser user = ServerUser.forCurrentProcess("cpdb");
        Process orphan = new ProcessBuilder(user.command(List.of(distribution.binary("postgres").toString(), "-D",
                settings.dataDir().toString(), "-p", Integer.toString(settings.port()), "-c",
                "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="), false))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            awaitReady(settings.dataDir(), orphan.pid());

            try (EmbeddedPostgres server = EmbeddedPostgres.start(settings)) {
                assertTrue(orphan.waitFor(30, TimeUnit.SECONDS), "the orphaned server was stopped");
                long newPid = PostmasterPid.read(settings.dataDir()).orElseThrow().pid();
                assertNotEquals(orphan.pid(), newPid);
                assertEquals("1", queryOne(server, "SELECT 1"));
            }
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void aPortTakenByAnotherProgramIsReportedWithTheSettingToChange() throws IOException {
        EmbeddedPostgres.Settings settings = freshInstance();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()));

            EmbeddedPostgresException e = assertThrows(EmbeddedPostgresException.class,
                    () -> EmbeddedPostgres.start(settings));

            assertTrue(e.getMessage().contains("port " + settings.port()), e.getMessage());
            assertTrue(e.getMessage().contains("CPDB_EMBEDDED_PORT"), e.getMessage());
        }
        try (EmbeddedPostgres server = EmbeddedPostgres.start(settings)) {
            assertTrue(server.owned(), "a refused start must release the instance again");
        }
    }

    @Test
    void aForeignFolderInPlaceOfTheDataFolderIsNotTouched() throws IOException {
        EmbeddedPostgres.Settings settings = freshInstance();
        Files.createDirectories(settings.dataDir());
        Path precious = Files.writeString(settings.dataDir().resolve("notes.txt"), "mine");

        EmbeddedPostgresException e = assertThrows(EmbeddedPostgresException.class,
                () -> EmbeddedPostgres.start(settings));

        assertTrue(e.getMessage().contains("not a PostgreSQL data folder"), e.getMessage());
        assertEquals("mine", Files.readString(precious));
    }

    private static void awaitReady(Path dataDir, long pid) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            var file = PostmasterPid.read(dataDir);
            if (file.isPresent() && file.get().pid() == pid && file.get().isReady()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the orphan server did not start");
    }

    private static String queryOne(EmbeddedPostgres server, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(server.url());
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
