package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.testing.ExternalPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A backup interrupted while writing to an S3 store that does not answer at the next start: the run is still marked
 * failed and start-up goes on after a bounded wait instead of waiting out the S3 client's retries (our design: a
 * backup store outage must not keep the service down; a later prune removes the leftovers).
 */
@QuarkusTest
@TestProfile(InterruptedBackupUnreachableStoreTest.Profile.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class InterruptedBackupUnreachableStoreTest {

    /**
     * An S3 endpoint that accepts connections (the kernel completes the handshake) and never answers, like a store
     * behind a dropped network: each attempt waits for the client's socket timeout.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.backup.s3.endpoint", "http://127.0.0.1:" + silentServer().getLocalPort(),
                    "cpdb.backup.s3.path-style", "true",
                    "cpdb.backup.s3.access-key-id", "unreachable",
                    "cpdb.backup.s3.secret-access-key", "unreachable-secret");
        }
    }

    private static ServerSocket silent;

    private static synchronized ServerSocket silentServer() {
        if (silent == null) {
            try {
                silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return silent;
    }

    @AfterAll
    static void closeSilentServer() throws IOException {
        silentServer().close();
    }

    @Inject
    BackupScheduler scheduler;

    @Inject
    Database database;

    @Test
    void startUpGoesOnAndMarksTheRunFailedWhenTheStoreOfItsLeftoversCannotBeReached() throws Exception {
        String crashed = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        try (Connection connection = database.direct().open();
                PreparedStatement insert = connection.prepareStatement(InterruptedBackupLeftoversTest.RUNNING_BACKUP)) {
            insert.setString(1, crashed);
            insert.setString(2, crashed);
            insert.setString(3, "s3://cpdb-backups/prod");
            insert.setString(4, "crashed-host/4242/0badf00d");
            insert.executeUpdate();
        }

        long started = System.nanoTime();
        scheduler.start();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // One attempt alone waits a minute for an answer; start-up waits only LEFTOVER_WAIT.
        assertTrue(took.compareTo(BackupJobs.LEFTOVER_WAIT.plusSeconds(10)) < 0, "start-up waited " + took);
        try (Connection connection = database.direct().open();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT status, error FROM public.backup_runs WHERE id = ?")) {
            query.setString(1, crashed);
            try (ResultSet rs = query.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("failed", rs.getString(1));
                assertTrue(rs.getString(2).startsWith("interrupted"), rs.getString(2));
            }
        }
    }
}
