package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Temporary folders for test servers. They live below the system temp folder because, when the tests run as root,
 * the unprivileged server user must be able to enter every folder above a data directory.
 */
public final class TestFolders {

    private TestFolders() {
    }

    public static Path create(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shared folder for unpacked PostgreSQL binaries, so tests unpack them once per machine. */
    public static Path distributions() {
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "cpdb-test-postgresql");
        try {
            Files.createDirectories(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
