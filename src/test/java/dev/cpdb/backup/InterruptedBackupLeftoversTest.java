package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.StoredKeys;
import dev.cpdb.database.Database;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.S3ProxyResource;
import dev.cpdb.testing.S3ProxyServer;
import dev.cpdb.testing.TestFolders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * A backup whose replica crashed leaves an unfinished upload behind: an S3 multipart upload that was never completed
 * or aborted, a temporary file in the folder store, or a data object without its manifest. The next start marks the
 * run failed and removes exactly those leftovers, while committed backups and the upload of a backup that still holds
 * its lease on another replica stay as they are. The crash is reproduced by what it leaves: a {@code running} run row
 * whose lease is gone, plus a real unfinished upload in a real store (S3Proxy, a local folder). Expectations come from
 * cpdb's design (a backup exists once its manifest is written; a run is interrupted once its lease has expired).
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
class InterruptedBackupLeftoversTest {

    private static final String DEAD_REPLICA = "crashed-host/4242/0badf00d";
    private static final String LIVE_REPLICA = "other-host/7/c0ffee00";

    @Inject
    BackupScheduler scheduler;

    @Inject
    TestBackups backups;

    @Inject
    BackupOptions options;

    @Inject
    BackupListing listing;

    @Inject
    Database database;

    @BeforeEach
    void noRunsAndNoLease() throws SQLException {
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("DELETE FROM public.backup_lease");
            sql.execute("DELETE FROM public.backup_runs");
        }
    }

    @Test
    void theNextStartAbortsTheMultipartUploadOfABackupInterruptedByACrashAndKeepsEverythingElse() throws Exception {
        String bucket = S3ProxyServer.createBucket("interrupted");
        String target = "s3://" + bucket + "/prod";
        BackupStore store = options.store(target);
        S3Client s3 = S3ProxyServer.admin();
        BackupManifest committed = backups.take(store, Compression.ZSTD);
        // Committed (manifest written), but the replica died before it recorded the run's end.
        BackupManifest committedUnrecorded = backups.take(store, Compression.ZSTD);
        recordRun(committedUnrecorded.backupId(), target, DEAD_REPLICA);
        Map<String, byte[]> committedObjects = contents(store);

        String crashedWhileUploading = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        startMultipartUpload(s3, bucket, "prod/" + crashedWhileUploading + "/data.sql.zst");
        recordRun(crashedWhileUploading, target, DEAD_REPLICA);
        String crashedBeforeManifest = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        s3.putObject(request -> request.bucket(bucket).key("prod/" + crashedBeforeManifest + "/data.sql.zst"),
                RequestBody.fromBytes(new byte[4096]));
        recordRun(crashedBeforeManifest, target, DEAD_REPLICA);
        String runningElsewhere = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        startMultipartUpload(s3, bucket, "prod/" + runningElsewhere + "/data.sql.zst");
        // Lease first, as the runner takes it: a replica looking meanwhile never sees this run without its lease.
        holdLease(runningElsewhere, LIVE_REPLICA);
        recordRun(runningElsewhere, target, LIVE_REPLICA);
        // An upload no run row knows of (a command-line backup in progress, say) is not this cleanup's to remove.
        String unknown = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        startMultipartUpload(s3, bucket, "prod/" + unknown + "/data.sql.zst");

        scheduler.start();

        assertEquals(Stream.of(runningElsewhere, unknown).map(id -> "prod/" + id + "/data.sql.zst").sorted().toList(),
                pendingUploadKeys(s3, bucket), "only the crashed backup's upload was aborted");
        assertEquals(committedObjects.keySet().stream().toList(), StoredKeys.of(store, ""),
                "the data object without manifest is gone, committed backups are whole");
        Map<String, byte[]> after = contents(store);
        committedObjects.forEach((key, bytes) -> assertArrayEquals(bytes, after.get(key), key + " is unchanged"));
        assertEquals(Stream.of(committed.backupId(), committedUnrecorded.backupId()).sorted().toList(),
                listing.committed(store).stream().map(BackupManifest::backupId).sorted().toList());
        // The replica that wrote the manifest and died before recording it: the run says what the store shows.
        assertEquals(Map.of(crashedWhileUploading, "failed", crashedBeforeManifest, "failed",
                committedUnrecorded.backupId(), "succeeded", runningElsewhere, "running"), statuses());
    }

    @Test
    void theNextStartDeletesTheTemporaryFileOfABackupInterruptedByACrashAndKeepsEverythingElse() throws Exception {
        Path root = TestFolders.create("cpdb-interrupted");
        String target = root.toString();
        BackupStore store = options.store(target);
        BackupManifest committed = backups.take(store, Compression.ZSTD);
        Map<String, byte[]> committedObjects = contents(store);
        String crashed = BackupId.next(Instant.now().minus(Duration.ofHours(2)));
        String runningElsewhere = BackupId.next(Instant.now().minus(Duration.ofHours(2)));

        try (BackupStore.Upload crashedUpload = store.create(crashed + "/data.sql.zst");
                BackupStore.Upload liveUpload = store.create(runningElsewhere + "/data.sql.zst")) {
            writeSome(crashedUpload);
            writeSome(liveUpload);
            recordRun(crashed, target, DEAD_REPLICA);
            holdLease(runningElsewhere, LIVE_REPLICA);
            recordRun(runningElsewhere, target, LIVE_REPLICA);
            assertEquals(2, temporaryFiles(root).size(), "the uploads are on disk before the start");

            scheduler.start();

            List<Path> left = temporaryFiles(root);
            assertEquals(1, left.size(), "one temporary file is left: " + left);
            assertEquals(runningElsewhere, root.relativize(left.get(0)).getName(0).toString());
            assertFalse(Files.exists(root.resolve(crashed)), "the crashed backup's folder is removed");
        }
        assertEquals(committedObjects.keySet().stream().toList(), StoredKeys.of(store, ""));
        Map<String, byte[]> after = contents(store);
        committedObjects.forEach((key, bytes) -> assertArrayEquals(bytes, after.get(key), key + " is unchanged"));
        assertEquals(List.of(committed.backupId()), listing.committed(store).stream().map(BackupManifest::backupId)
                .toList());
        assertEquals(Map.of(crashed, "failed", runningElsewhere, "running"), statuses());
    }

    @Test
    void anUnreachableStoreDoesNotStopTheStartAndTheOtherStoresAreStillCleaned() throws Exception {
        String missingBucket = "s3://no-such-bucket-" + Long.toHexString(System.nanoTime()) + "/prod";
        String lostInMissingBucket = BackupId.next(Instant.now().minus(Duration.ofHours(3)));
        recordRun(lostInMissingBucket, missingBucket, DEAD_REPLICA);
        Path root = TestFolders.create("cpdb-interrupted-soft");
        BackupStore store = options.store(root.toString());
        String crashed = BackupId.next(Instant.now().minus(Duration.ofHours(2)));

        try (BackupStore.Upload crashedUpload = store.create(crashed + "/data.sql.zst")) {
            writeSome(crashedUpload);
            recordRun(crashed, root.toString(), DEAD_REPLICA);

            scheduler.start();

            assertEquals(List.of(), temporaryFiles(root));
        }
        assertEquals(Map.of(lostInMissingBucket, "failed", crashed, "failed"), statuses());
    }

    // ---------------------------------------------------------------- helpers

    /** A run row as {@link BackupJobs#startBackup} writes it, started two hours ago. */
    static final String RUNNING_BACKUP = "INSERT INTO public.backup_runs (id, kind, backup_id, trigger, status, "
            + "phase, target, holder, started_at) VALUES (?, 'backup', ?, 'api', 'running', "
            + "'copying public.companies', ?, ?, now() - interval '2 hours')";

    /** The lease of a backup running on another replica, renewed a moment ago. */
    static final String HELD_LEASE = "INSERT INTO public.backup_lease (name, holder, run_id, acquired_at, "
            + "expires_at) VALUES ('backup', ?, ?, now() - interval '2 hours', now() + interval '1 hour')";

    private void recordRun(String id, String target, String holder) throws SQLException {
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement(RUNNING_BACKUP)) {
            statement.setString(1, id);
            statement.setString(2, id);
            statement.setString(3, target);
            statement.setString(4, holder);
            statement.executeUpdate();
        }
    }

    private void holdLease(String runId, String holder) throws SQLException {
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement(HELD_LEASE)) {
            statement.setString(1, holder);
            statement.setString(2, runId);
            statement.executeUpdate();
        }
    }

    private Map<String, String> statuses() throws SQLException {
        Map<String, String> statuses = new TreeMap<>();
        try (Connection connection = database.direct().open();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, status FROM public.backup_runs")) {
            while (rs.next()) {
                statuses.put(rs.getString(1), rs.getString(2));
            }
        }
        return statuses;
    }

    /** A multipart upload with one uploaded part, as a replica that dies mid-backup leaves it. */
    private static void startMultipartUpload(S3Client s3, String bucket, String key) {
        String uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(key)).uploadId();
        s3.uploadPart(request -> request.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(new byte[256 * 1024]));
    }

    private static List<String> pendingUploadKeys(S3Client s3, String bucket) {
        return s3.listMultipartUploadsPaginator(request -> request.bucket(bucket)).uploads().stream()
                .map(MultipartUpload::key)
                .sorted()
                .toList();
    }

    private static void writeSome(BackupStore.Upload upload) throws IOException {
        byte[] bytes = new byte[256 * 1024];
        Arrays.fill(bytes, (byte) 'x');
        upload.stream().write(bytes);
        upload.stream().flush();
    }

    private static List<Path> temporaryFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().startsWith("."))
                    .toList();
        }
    }

    private static Map<String, byte[]> contents(BackupStore store) throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        for (String key : StoredKeys.of(store, "")) {
            try (InputStream in = store.read(key).orElseThrow()) {
                contents.put(key, in.readAllBytes());
            }
        }
        return contents;
    }
}
