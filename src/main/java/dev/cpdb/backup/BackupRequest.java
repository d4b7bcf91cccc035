package dev.cpdb.backup;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.SchemaSelection;
import dev.cpdb.backup.store.BackupStore;

/**
 * What one backup takes: the store it goes to, its compression, the connections that copy rows, whether it carries
 * owners and privileges, and the schemas it covers. {@link BackupOptions#request} fills it from the live instance
 * settings; a trigger (the {@code backup} command's options) replaces what it names. The compression level follows
 * the live setting for the chosen compression when the pipeline runs, and so does the server the data is read from
 * ({@link BackupSource}).
 */
public record BackupRequest(BackupStore store, Compression compression, int jobs, boolean ownersAndPrivileges,
        SchemaSelection selection) {

    public BackupRequest withCompression(Compression value) {
        return new BackupRequest(store, value, jobs, ownersAndPrivileges, selection);
    }

    public BackupRequest withJobs(int value) {
        return new BackupRequest(store, compression, value, ownersAndPrivileges, selection);
    }

    public BackupRequest withOwnersAndPrivileges(boolean value) {
        return new BackupRequest(store, compression, jobs, value, selection);
    }

    public BackupRequest withSelection(SchemaSelection value) {
        return new BackupRequest(store, compression, jobs, ownersAndPrivileges, value);
    }
}
