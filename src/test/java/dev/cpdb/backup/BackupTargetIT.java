package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Backups on an external database, run with the packaged jar: scheduled backups need an explicit target, and a
 * folder target that is not the one folder every replica shares turns {@code /q/health/group/backups} down.
 */
class BackupTargetIT {

    @Test
    void scheduledBackupsOnAnExternalDatabaseNeedAnExplicitTarget() {
        DatabaseUrl database = TestPostgres.createDatabase("notarget");
        Map<String, String> env = environment(database, FreePorts.next(), null);

        CpdbProcess refused = CpdbProcess.run(env);

        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("CPDB_BACKUP_TARGET is not set"), refused.stderr());
        assertTrue(refused.stderr().contains("CPDB_BACKUP_ENABLED=false"), refused.stderr());
    }

    @Test
    void aReplicaWhoseFolderIsNotTheSharedOneReportsTheBackupsGroupDown() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("unshared");
        Path pods = TestFolders.create("cpdb-unshared");
        // One path, two folders behind it: what two pods see when the "shared" path is each pod's own emptyDir.
        Path target = pods.resolve("backups");
        Path podA = Files.createDirectories(pods.resolve("pod-a"));
        Path podB = Files.createDirectories(pods.resolve("pod-b"));
        Files.createSymbolicLink(target, podA);

        int portA = FreePorts.next();
        try (CpdbProcess first = CpdbProcess.start(environment(database, portA, target))) {
            first.awaitHttp200(portA, "/q/health/ready", Duration.ofSeconds(90));
            HttpResponse<String> up = get(portA, "/q/health/group/backups");
            assertEquals(200, up.statusCode(), up.body());
            assertTrue(up.body().replaceAll("\\s", "").contains("\"target\":\"UP\""), up.body());
        }

        Files.delete(target);
        Files.createSymbolicLink(target, podB);
        int portB = FreePorts.next();
        try (CpdbProcess second = CpdbProcess.start(environment(database, portB, target))) {
            second.awaitHttp200(portB, "/q/health/ready", Duration.ofSeconds(90));
            HttpResponse<String> down = get(portB, "/q/health/group/backups");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("does not hold the marker this database recorded"), down.body());
            assertTrue(second.stdout().contains("backup target: the backup folder"), second.stdout());
        }
    }

    private static Map<String, String> environment(DatabaseUrl database, int port, Path target) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", TestPostgres.libpq(database));
        env.put("CPDB_HOME", TestFolders.create("cpdb-target-home").toString());
        env.put("CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY);
        env.put("CPDB_BACKUP_VERIFY_SCHEDULE", "off");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        if (target != null) {
            env.put("CPDB_BACKUP_TARGET", target.toString());
            // No backup runs during the test: the group then depends on the target alone.
            env.put("CPDB_BACKUP_SCHEDULE", "off");
        }
        return env;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
