package dev.cpdb.backup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.TestFolders;

/** The contract on a local folder, plus what only a folder can show: its temporary files and folders on disk. */
class FilesystemBackupStoreTest extends BackupStoreContract {

    @Override
    protected BackupStore newStore() {
        return new FilesystemBackupStore(TestFolders.create("cpdb-store").resolve("backups"));
    }

    @Test
    void backupFoldersAndFilesArePrivateWhateverTheUmask() throws Exception {
        Path root = TestFolders.create("cpdb-private").resolve("backups");
        // A child JVM, because the umask is the process's: 000 would leave new files readable by everyone.
        Process probe = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" -cp \"$1\" "
                + PrivateFilesProbe.class.getName() + " \"$2\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), root.toString()).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes()).strip();
        assertEquals(0, probe.waitFor(), output);

        assertEquals("rw-------", output, "the temporary file while it is written");
        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(root.resolve("20260101T000000Z-abcdef")));
        assertEquals("rw-------", mode(root.resolve("20260101T000000Z-abcdef/data.sql")));
    }

    private static String mode(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void anAbortLeavesNoTemporaryFileOnDisk() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        try (BackupStore.Upload upload = folder.create("b1/data.sql")) {
            upload.stream().write(new byte[10]);
            assertEquals(1, hiddenFiles(folder.root()).size(), "the object is written to a temporary file first");
        }

        assertEquals(List.of(), hiddenFiles(folder.root()));
    }

    @Test
    void deletingTheLastObjectOfABackupRemovesItsFolder() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        folder.write("b1/manifest.json", new byte[] { 1 });

        folder.delete("b1/manifest.json");

        assertTrue(Files.notExists(folder.root().resolve("b1")));
    }

    @Test
    void discardingATemporaryFileRemovesItsEmptiedFolderAndNothingElse() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        folder.write("b1/manifest.json", new byte[] { 1 });
        BackupStore.Upload upload = folder.create("b2/data.sql");
        upload.stream().close();
        PendingUpload pending = folder.pendingUploads("").get(0);

        assertThrows(IllegalArgumentException.class, () -> folder.discard(new PendingUpload("b1/manifest.json",
                "../b1/manifest.json", Optional.empty())));
        assertThrows(IllegalArgumentException.class, () -> folder.discard(new PendingUpload("../b2/data.sql",
                pending.uploadId(), Optional.empty())));
        folder.discard(pending);

        assertEquals(List.of(), hiddenFiles(folder.root()));
        assertTrue(Files.notExists(folder.root().resolve("b2")), "the emptied folder goes too");
        assertEquals(List.of("b1/manifest.json"), StoredKeys.of(folder, ""));
    }

    @Test
    void aFileThatIsNoTemporaryFileOfAnUploadIsAnObjectNotAPendingUpload() throws IOException {
        FilesystemBackupStore folder = (FilesystemBackupStore) store;
        folder.write("b1/notes.partial-x", new byte[] { 1 });

        assertEquals(List.of("b1/notes.partial-x"), StoredKeys.of(folder, ""));
        assertEquals(List.of(), folder.pendingUploads(""));
    }

    /** The hidden files below {@code root}, where this store keeps its temporary files. */
    static List<Path> hiddenFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().startsWith("."))
                    .toList();
        }
    }
}
