package dev.cpdb.backup.retention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.BackupId;
import dev.cpdb.backup.archive.BackupLayout;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.PendingUpload;
import dev.cpdb.backup.store.StoredObject;

/**
 * Removes what one backup left in its store when the replica running it stopped before the backup finished: its
 * unfinished uploads (an S3 multipart upload, a folder's temporary file) and a data object that was completed but
 * never got its manifest. A backup whose manifest exists is committed and is left whole.
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
     * @return what was removed, one description each (e.g. {@code unfinished upload of <id>/data.sql.zst}); empty
     *         when the backup left nothing
     * @throws IOException when the store cannot be listed or a leftover cannot be removed; what was removed before
     *         stays removed, and a later prune removes the rest once it is older than the leftover age
     * @throws IllegalArgumentException when {@code backupId} is not a backup id
     */
    public static List<String> removeLeftovers(BackupStore store, String backupId) throws IOException {
        if (!BackupId.isValid(backupId)) {
            throw new IllegalArgumentException("'" + backupId + "' is not a backup id");
        }
        String folder = BackupLayout.folder(backupId);
        List<String> removed = new ArrayList<>();
        for (PendingUpload upload : store.pendingUploads(folder)) {
            store.discard(upload);
            removed.add("unfinished upload of " + upload.key());
        }
        List<String> keys = store.list(folder).stream().map(StoredObject::key).toList();
        if (keys.contains(BackupLayout.manifestKey(backupId))) {
            // Committed before its replica stopped: a backup, not a leftover.
            return removed;
        }
        for (String key : keys) {
            if (BackupLayout.isDataObjectName(BackupLayout.nameInFolder(key))) {
                store.delete(key);
                removed.add("data object without manifest " + key);
            }
        }
        return removed;
    }
}
