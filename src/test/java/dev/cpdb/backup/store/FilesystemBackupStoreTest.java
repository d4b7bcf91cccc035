package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.TestFolders;

/** The contract on a local folder, plus what only a folder can show: no temporary files after abort. */
class FilesystemBackupStoreTest extends BackupStoreContract {

    @Override
    protected BackupStore newStore() {
        return new FilesystemBackupStore(TestFolders.create("cpdb-store").resolve("backups"));
    }

    @Test
    void anAbortLeavesNoTemporaryFileOnDisk() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        try (BackupStore.Upload upload = folder.create("b1/data.sql")) {
            upload.stream().write(new byte[10]);
            assertEquals(1, folder.partialFiles().size(), "the object is written to a temporary file first");
        }

        assertEquals(List.of(), folder.partialFiles());
    }

    @Test
    void deletingTheLastObjectOfABackupRemovesItsFolder() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        folder.write("b1/manifest.json", new byte[] { 1 });

        folder.delete("b1/manifest.json");

        assertTrue(Files.notExists(folder.root().resolve("b1")));
    }
}
