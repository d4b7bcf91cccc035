package dev.cpdb.backup.retention;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.BackupManifest;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.S3BackupStore;

/**
 * Removes what one backup left in its store when the replica running it stopped before the backup finished: its
 * multipart uploads (S3), its temporary files (folder store) and a data object that was completed but never got its
 * manifest. A backup whose manifest exists is committed and is left whole.
 *
 * <p>
 * Unlike a prune, which proves a leftover abandoned by its age, this trusts its caller to know that the backup is no
 * longer running (the backup runner calls it only for runs whose lease has expired and which it has just marked
 * failed), so it removes leftovers at once. It touches nothing outside that backup's folder ({@code <id>/}).
 *
 * <p>
 * Blocking: store I/O on the calling thread.
 */
public final class InterruptedBackupCleanup {

    private InterruptedBackupCleanup() {
    }

    /**
     * Removes the leftovers of backup {@code backupId} in {@code store}.
     *
     * @return what was removed, one description each (e.g. {@code multipart upload of <id>/data.sql.zst}); empty
     *         when the backup left nothing
     * @throws IOException when the store cannot be listed or a leftover cannot be removed; what was removed before
     *         stays removed, and a later prune removes the rest once it is older than the leftover age
     * @throws IllegalArgumentException when {@code backupId} is not a backup id
     */
    public static List<String> removeLeftovers(BackupStore store, String backupId) throws IOException {
        if (!BackupId.isValid(backupId)) {
            throw new IllegalArgumentException("'" + backupId + "' is not a backup id");
        }
        String folder = backupId + "/";
        List<String> removed = new ArrayList<>();
        if (store instanceof S3BackupStore bucket) {
            for (S3BackupStore.PendingUpload upload : bucket.pendingUploads(folder)) {
                bucket.abort(upload);
                removed.add("multipart upload of " + upload.key());
            }
        }
        if (store instanceof FilesystemBackupStore local) {
            for (Path file : local.partialFiles()) {
                Path relative = local.root().relativize(file.toAbsolutePath().normalize());
                if (relative.getNameCount() == 2 && relative.getName(0).toString().equals(backupId)) {
                    local.deletePartialFile(file);
                    removed.add("temporary file " + relative.toString().replace('\\', '/'));
                }
            }
        }
        List<String> keys = store.list(folder);
        if (keys.contains(folder + BackupManifest.FILE_NAME)) {
            // Committed before its replica stopped: a backup, not a leftover.
            return removed;
        }
        for (String key : keys) {
            if (BackupRetention.isDataObjectName(key.substring(folder.length()))) {
                store.delete(key);
                removed.add("data object without manifest " + key);
            }
        }
        return removed;
    }
}
