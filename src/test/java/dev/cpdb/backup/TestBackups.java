package dev.cpdb.backup;

import java.time.Instant;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;

/** Backups taken in tests straight through the pipeline, as the runner asks for them: one request, a fresh id. */
final class TestBackups {

    private TestBackups() {
    }

    /** A backup to {@code store} with {@code service}'s settings and the given compression. */
    static BackupManifest take(BackupService service, BackupStore store, Compression compression) {
        return take(service, service.request(store).withCompression(compression), BackupPipeline.Progress.NONE);
    }

    /** A backup of the schemas {@code selection} chooses, on one connection, without owners and privileges. */
    static BackupManifest take(BackupService service, BackupStore store, Compression compression,
            SchemaSelection selection) {
        return take(service, service.request(store).withCompression(compression).withJobs(1)
                .withOwnersAndPrivileges(false).withSelection(selection), BackupPipeline.Progress.NONE);
    }

    /** A backup as {@code request} says, reporting to {@code progress}. */
    static BackupManifest take(BackupService service, BackupRequest request, BackupPipeline.Progress progress) {
        return service.backup(BackupId.next(Instant.now()), request, progress);
    }
}
