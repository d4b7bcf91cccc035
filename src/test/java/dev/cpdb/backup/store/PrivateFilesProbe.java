package dev.cpdb.backup.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes one object into a folder store and prints the modes of the temporary file while it is written, run in a
 * child JVM by {@link FilesystemBackupStoreTest} under a umask that would otherwise let everyone read.
 */
public final class PrivateFilesProbe {

    private PrivateFilesProbe() {
    }

    public static void main(String[] args) throws Exception {
        FilesystemBackupStore store = new FilesystemBackupStore(Path.of(args[0]));
        try (BackupStore.Upload upload = store.create("20260101T000000Z-abcdef/data.sql")) {
            upload.stream().write("rows".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            upload.stream().flush();
            System.out.println(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    FilesystemBackupStoreTest.hiddenFiles(store.root()).get(0))));
            upload.commit();
        }
    }
}
