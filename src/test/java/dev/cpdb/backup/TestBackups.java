package dev.cpdb.backup;

import java.time.Instant;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.S3BackupStores;
import dev.cpdb.database.Database;

/**
 * Backups taken in tests straight through the pipeline, as the runner asks for them (one request, a fresh id) but
 * without lease or run row: with the service's own settings when injected, or with settings of a test's own when
 * {@linkplain #wired wired} by hand the way the service wires its options, pipeline and restores.
 */
@Dependent
final class TestBackups {

    private final BackupOptions options;
    private final BackupPipeline pipeline;
    private final RestoreService restores;

    @Inject
    TestBackups(BackupOptions options, BackupPipeline pipeline, RestoreService restores) {
        this.options = options;
        this.pipeline = pipeline;
        this.restores = restores;
    }

    /** Backups with the settings of {@code config}, signed with its keys; folder targets only, no instance folder. */
    static TestBackups wired(Database database, BackupConfig config, ObjectMapper json) {
        return wired(database, config, json, null);
    }

    /** Backups with the settings of {@code config}, signed with its keys; S3 targets through {@code s3}. */
    static TestBackups wired(Database database, BackupConfig config, ObjectMapper json, S3BackupStores s3) {
        BackupSigning signing = new BackupSigning(config, null, database);
        BackupOptions options = new BackupOptions(config, null, s3, signing);
        return new TestBackups(options, new BackupPipeline(BackupSource.primaryOnly(database, options), config,
                options, signing, json),
                new RestoreService(options, signing, json));
    }

    /** The settings these backups are taken with. */
    BackupOptions options() {
        return options;
    }

    /** Restores with the same settings (identities, signing keys). */
    RestoreService restores() {
        return restores;
    }

    /** A backup to {@code store} with these settings and the given compression. */
    BackupManifest take(BackupStore store, Compression compression) {
        return take(options.request(store).withCompression(compression), BackupPipeline.Progress.NONE);
    }

    /** A backup of the schemas {@code selection} chooses, on one connection, without owners and privileges. */
    BackupManifest take(BackupStore store, Compression compression, SchemaSelection selection) {
        return take(options.request(store).withCompression(compression).withJobs(1).withOwnersAndPrivileges(false)
                .withSelection(selection), BackupPipeline.Progress.NONE);
    }

    /** A backup as {@code request} says, reporting to {@code progress}. */
    BackupManifest take(BackupRequest request, BackupPipeline.Progress progress) {
        return pipeline.backup(BackupId.next(Instant.now()), request, progress);
    }
}
