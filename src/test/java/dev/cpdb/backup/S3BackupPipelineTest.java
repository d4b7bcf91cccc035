package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.BackupFixturesAccess;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.S3BackupStores;
import dev.cpdb.backup.store.StoredKeys;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.S3ProxyResource;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Backups to an S3 bucket through the whole service: the {@code s3://} target, the S3 settings from configuration,
 * the pipeline streaming into a multipart upload, listing, and a restore read back from the bucket into a fresh
 * database. The S3 server is S3Proxy, configured the way an operator configures MinIO.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class S3BackupPipelineTest {

    private static final long PART_SIZE = 5L * 1024 * 1024;

    @Inject
    TestBackups backups;

    @Inject
    BackupOptions options;

    @Inject
    RestoreService restores;

    @Inject
    BackupListing listing;

    @Inject
    Database database;

    @Inject
    S3BackupStores s3;

    @Inject
    ObjectMapper json;

    String bucket;

    @BeforeEach
    void freshBucketAndData() throws SQLException {
        bucket = "cpdb-e2e-" + Long.toHexString(System.nanoTime());
        try (S3Client client = s3.settings().newClient()) {
            client.createBucket(request -> request.bucket(bucket));
        }
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE SCHEMA IF NOT EXISTS shop");
            sql.execute("CREATE TABLE IF NOT EXISTS shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "note text)");
            sql.execute("CREATE TABLE IF NOT EXISTS shop.lines (id bigserial PRIMARY KEY, order_id bigint NOT NULL "
                    + "REFERENCES shop.orders (id), qty integer NOT NULL CHECK (qty > 0))");
            sql.execute("TRUNCATE shop.lines, shop.orders");
        }
    }

    @Test
    void aBackupToABucketRestoresIntoAFreshDatabase() throws Exception {
        // Hex digests compress only about 2:1, so the compressed backup spans several 5 MiB parts.
        TestPostgres.execute(database.plan().direct(), "WITH o AS (INSERT INTO shop.orders (note) "
                + "SELECT md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 200000) g "
                + "RETURNING id) INSERT INTO shop.lines (order_id, qty) SELECT id, 1 FROM o");
        BackupStore store = options.store("s3://" + bucket + "/cpdb/prod");

        BackupManifest manifest = backups.take(store, Compression.ZSTD);

        assertTrue(manifest.data().bytes() > 2 * PART_SIZE, "several parts: " + manifest.data().bytes());
        assertEquals(List.of(manifest.backupId()), listing.committed(store).stream().map(BackupManifest::backupId)
                .toList());
        assertEquals(List.of(manifest.backupId() + "/data.sql.zst", manifest.backupId() + "/manifest.json"),
                StoredKeys.of(store, ""));
        assertEquals(Optional.of(manifest.data().bytes()), store.size(manifest.backupId() + "/data.sql.zst"));
        assertEquals(List.of(), store.pendingUploads(""));

        DatabaseUrl target = TestPostgres.createDatabase("s3_restore");
        RestoreOutcome outcome = restores.restore(restores.locate(store, manifest.backupId()), direct(target), false);

        assertEquals(manifest.totalRows(), outcome.rows());
        assertEquals(BackupFixturesAccess.rowHashes(database.plan().direct()), BackupFixturesAccess.rowHashes(target));
        assertEquals(count(database.plan().direct(), "shop.orders"), count(target, "shop.orders"));
    }

    @Test
    void aFailedBackupLeavesNothingInTheBucket() throws Exception {
        BackupStore store = options.store("s3://" + bucket + "/cpdb");
        try (Connection blocker = database.direct().open(); Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE");
            TestBackups impatient = TestBackups.wired(database, new ShortLockTimeout(), json, s3);

            assertThrows(BackupFailedException.class, () -> impatient.take(store, Compression.ZSTD));
            blocker.rollback();
        }

        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aMissingBucketFailsTheBackupNamingTheBucket() {
        BackupStore store = options.store("s3://no-such-bucket-" + Long.toHexString(System.nanoTime()) + "/cpdb");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> backups.take(store, Compression.ZSTD));

        assertTrue(e.getMessage().contains("NoSuchBucket") && e.getMessage().contains("s3://no-such-bucket-"),
                e.getMessage());
    }

    @Test
    void invalidS3TargetsAreRefusedWithTheReason() {
        BackupFailedException e = assertThrows(BackupFailedException.class, () -> options.store("s3://Bad_Bucket/x"));
        assertTrue(e.getMessage().contains("'Bad_Bucket' is not a valid bucket name"), e.getMessage());

        BackupFailedException missing = assertThrows(BackupFailedException.class, () -> options.store("s3://"));
        assertTrue(missing.getMessage().contains("the bucket name is missing"), missing.getMessage());
    }

    @Test
    void anObjectReplacedBetweenTheCheckAndTheRestoreIsRefusedAndTheTargetStaysAsItWas() throws Exception {
        TestPostgres.execute(database.plan().direct(), "INSERT INTO shop.orders (note) SELECT 'order ' || g "
                + "FROM generate_series(1, 100) g");
        BackupStore store = options.store("s3://" + bucket + "/cpdb");
        BackupManifest manifest = backups.take(store, Compression.NONE);
        String dataKey = manifest.backupId() + "/" + manifest.data().key();
        byte[] checked;
        try (java.io.InputStream in = store.read(dataKey).orElseThrow()) {
            checked = in.readAllBytes();
        }
        // Same size, other rows: only the object's identity tells it apart once the checking pass is over.
        byte[] replacement = new String(checked, java.nio.charset.StandardCharsets.UTF_8)
                .replace("order 7\n", "ordex 7\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        BackupStore replacing = new RestoreTrustTest.SecondReadStore(store, () -> store.write(dataKey, replacement));
        DatabaseUrl target = TestPostgres.createDatabase("s3_replaced");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int)");
        TestPostgres.execute(target, "INSERT INTO public.precious VALUES (1), (2)");
        RestoreTrustTest.Fingerprint before = RestoreTrustTest.fingerprint(target);

        BackupFailedException e = assertThrows(BackupFailedException.class, () -> restores.restore(
                new RestoreService.Located(replacing, manifest.backupId(), manifest), direct(target), true));

        assertTrue(e.getMessage().contains("was replaced or deleted after it was checked"), e.getMessage());
        assertTrue(e.getMessage().contains("the target was not changed"), e.getMessage());
        assertEquals(before, RestoreTrustTest.fingerprint(target));
    }

    // ---------------------------------------------------------------- helpers

    private static DirectConnections direct(DatabaseUrl url) {
        return new DirectConnections(url, "cpdb-test", Duration.ofSeconds(10));
    }

    private static long count(DatabaseUrl url, String table) throws SQLException {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
