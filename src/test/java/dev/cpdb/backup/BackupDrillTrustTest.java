package dev.cpdb.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Restore drills over HTTP, as the scheduled drill runs them, on a service with a signing key: a drill refuses what a
 * restore refuses and is recorded as failed with the reason; it runs as a role without server privileges, so even a
 * correctly signed script whose function runs a program while an index is built fails without effect; and the
 * scheduled drill does not take a forged, future-dated backup for the newest.
 */
@QuarkusTest
@TestProfile(BackupDrillTrustTest.Profile.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupDrillTrustTest {

    static final String TOKEN = "drill-trust-test-token-0123456789";
    static final String KEY = "drill-trust-signing-key-0123456789abcdef";
    static final Path FOLDER = TestFolders.create("cpdb-drill-backups");

    /** An operator token, a private backup folder, uncompressed backups and a signing key; no schedule. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN, "cpdb.backup.target", FOLDER.toString(),
                    "cpdb.backup.signing-key", KEY, "cpdb.backup.enabled", "false",
                    "cpdb.backup.verify-schedule", "off", "cpdb.backup.compression", "none");
        }
    }

    @Inject
    Database database;

    @Inject
    RestoreService restores;

    @Inject
    BackupListing listing;

    @Inject
    ObjectMapper json;

    FilesystemBackupStore store = new FilesystemBackupStore(FOLDER);

    @BeforeEach
    void data() {
        TestPostgres.execute(database.plan().direct(), "CREATE SCHEMA IF NOT EXISTS drill");
        TestPostgres.execute(database.plan().direct(), "CREATE TABLE IF NOT EXISTS drill.items (id int PRIMARY KEY)");
        TestPostgres.execute(database.plan().direct(), "INSERT INTO drill.items SELECT g FROM generate_series(1, 5) g "
                + "ON CONFLICT DO NOTHING");
    }

    @Test
    void aSignedBackupPassesItsDrillAndTheDrillLeavesNoRoleOrDatabase() throws Exception {
        String id = backupOverHttp();

        Response drill = drill(id, "");

        assertEquals("succeeded", drill.path("lastVerify.status"), drill.asString());
        assertEquals("0", RestoreTrustTest.query(database.plan().direct(),
                "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'cpdb_drill_%'"));
        assertEquals("0", RestoreTrustTest.query(database.plan().direct(),
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'cpdb_verify_%'"));
    }

    @Test
    void aSignedScriptWhoseIndexRunsAProgramFailsItsDrillWithoutEffect() throws Exception {
        String id = backupOverHttp();
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "cpdb-drill-" + UUID.randomUUID());
        // Only forms cpdb writes: functions and an expression index calling one, as in any backup. The harm is in a
        // function body, which the grammar cannot judge; the drill's role can. (COPY is refused inside an immutable
        // function itself, hence the volatile helper.)
        resign(id, "CREATE OR REPLACE FUNCTION \"drill\".\"run\"()\n RETURNS integer\n LANGUAGE plpgsql\n"
                + "AS $function$\nBEGIN\n  EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch " + file
                + "''';\n  RETURN 1;\nEND\n$function$\n;\n\n"
                + "CREATE OR REPLACE FUNCTION \"drill\".\"evil\"(integer)\n RETURNS integer\n LANGUAGE plpgsql\n"
                + " IMMUTABLE\nAS $function$\nBEGIN\n  PERFORM \"drill\".\"run\"();\n  RETURN $1;\nEND\n"
                + "$function$\n;\n\n"
                + "CREATE INDEX evil_idx ON \"drill\".\"items\" USING btree ((\"drill\".\"evil\"(id)));\n\n");

        Response drill = drill(id, "");

        assertEquals("failed", drill.path("lastVerify.status"), drill.asString());
        String error = drill.path("lastVerify.error");
        assertTrue(error.contains("pg_execute_server_program") || error.contains("permission denied"), error);
        assertFalse(Files.exists(file), "no program ran on the server");

        // Control: the same signed backup restored by the service's own (superuser) user does run the program, so
        // the drill's role is what stopped it.
        restores.restore(restores.locate(store, id),
                RestoreTrustTest.direct(TestPostgres.createDatabase("drill_control")),
                false);
        try {
            assertTrue(Files.exists(file), "the script runs its program when restored with server privileges");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aRefusedStatementFailsTheDrillWithItsLineAndReason() throws Exception {
        String id = backupOverHttp();
        long line = resign(id, "COMMIT;\n\n");

        Response drill = drill(id, "");

        assertEquals("failed", drill.path("lastVerify.status"));
        String error = drill.path("lastVerify.error");
        assertTrue(error.contains("line " + line + " is refused: transaction control"), error);
    }

    @Test
    void anUnsignedBackupFailsItsDrillUnlessAllowedOnPurpose() throws Exception {
        String id = backupOverHttp();
        Path manifestFile = FOLDER.resolve(id).resolve(BackupManifest.FILE_NAME);
        BackupManifest manifest = restores.manifest(store, id).orElseThrow();
        Files.writeString(manifestFile, manifests().writeValueAsString(manifest.withSignature(null)));

        Response refused = drill(id, "");
        assertEquals("failed", refused.path("lastVerify.status"));
        assertTrue(((String) refused.path("lastVerify.error")).contains("is not signed"), refused.asString());

        Response allowed = drill(id, "?allowUnsigned=true");
        assertEquals("succeeded", allowed.path("lastVerify.status"), allowed.asString());
    }

    @Test
    void theScheduledDrillTakesTheNewestBackupItRecordedNotAForgedFutureOne() throws Exception {
        String id = backupOverHttp();
        // A copy under an id from next year, as anyone who can write to the store can make; unsigned, since the
        // signature covers the id.
        String forged = BackupId.next(Instant.now().plus(Duration.ofDays(365)));
        Files.createDirectories(FOLDER.resolve(forged));
        BackupManifest manifest = restores.manifest(store, id).orElseThrow();
        Files.copy(FOLDER.resolve(id).resolve(manifest.data().key()), FOLDER.resolve(forged)
                .resolve(manifest.data().key()));
        Files.writeString(FOLDER.resolve(forged).resolve(BackupManifest.FILE_NAME),
                manifests().writeValueAsString(new BackupManifest(manifest.formatVersion(), forged, manifest.tool(),
                        manifest.startedAt(), manifest.finishedAt(), manifest.source(), manifest.compression(),
                        manifest.ownersAndPrivileges(), manifest.data(), manifest.schemas(), manifest.tables(),
                        manifest.migrations(), manifest.signature())));

        assertEquals(forged, listing.committed(store).get(0).backupId(), "listed first");
        Optional<BackupManifest> candidate = listing.drillCandidate(store);

        assertEquals(id, candidate.orElseThrow().backupId());
    }

    /**
     * Adds {@code statements} before the script's end marker and signs the manifest again with the service's key:
     * a backup whose signer turned against the database, or whose key leaked.
     *
     * @return the line the statements start on
     */
    private long resign(String id, String statements) throws Exception {
        BackupManifest manifest = restores.manifest(store, id).orElseThrow();
        assertEquals("none", manifest.compression(), "the profile's backups are written uncompressed");
        Path data = FOLDER.resolve(id).resolve(manifest.data().key());
        String script = Files.readString(data);
        int at = script.lastIndexOf(BackupEngine.END_MARKER);
        long line = script.substring(0, at).lines().count() + 1;
        byte[] changed = (script.substring(0, at) + statements + script.substring(at)).getBytes(StandardCharsets.UTF_8);
        Files.write(data, changed);
        BackupManifest unsigned = new BackupManifest(manifest.formatVersion(), id, manifest.tool(),
                manifest.startedAt(), manifest.finishedAt(), manifest.source(), manifest.compression(),
                manifest.ownersAndPrivileges(), new BackupManifest.DataObject(manifest.data().key(), changed.length,
                        RestoreTrustTest.sha256(changed), changed.length),
                manifest.schemas(), manifest.tables(), manifest.migrations());
        BackupSigning signing = new BackupSigning(new ShortLockTimeout() {
            @Override
            public Optional<String> signingKey() {
                return Optional.of(KEY);
            }
        }, null, null);
        Files.writeString(FOLDER.resolve(id).resolve(BackupManifest.FILE_NAME),
                manifests().writeValueAsString(signing.sign(unsigned, manifests())));
        return line;
    }

    /** Reads and writes manifests as the service stores them. */
    private ObjectMapper manifests() {
        return BackupManifest.writer(json);
    }

    private static String backupOverHttp() throws InterruptedException {
        String id = given().auth().oauth2(TOKEN).when().post("/api/db/backups").then()
                .statusCode(202).extract().path("backupId");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            if ("committed".equals(response.path("status"))) {
                return id;
            }
            if ("failed".equals(response.path("status"))) {
                throw new AssertionError("backup failed: " + response.asString());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("backup " + id + " did not commit");
    }

    /** Starts a drill over HTTP and waits until it has a result. */
    private static Response drill(String id, String query) throws InterruptedException {
        String run = given().auth().oauth2(TOKEN).when().post("/api/db/backups/" + id + "/verify" + query).then()
                .statusCode(202).extract().path("verifyRunId");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            if (run.equals(response.path("lastVerify.id")) && !"running".equals(response.path("lastVerify.status"))) {
                return response;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("drill " + run + " did not finish");
    }
}
