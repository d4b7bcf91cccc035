package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary folders for test servers. They live below the system temp folder because, when the tests run as root,
 * the unprivileged server user must be able to enter every folder above a data directory.
 *
 * <p>
 * Folders are removed when the test JVM exits, after the servers registered with {@link #beforeRemoval} have been
 * stopped, so that repeated runs do not fill the disk with data directories. {@code -Dcpdb.test.keep-folders=true}
 * keeps them for a look after a failure.
 */
public final class TestFolders {

    private static final List<Path> CREATED = new ArrayList<>();
    private static final List<Runnable> BEFORE_REMOVAL = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestFolders::removeAll, "test-folders-removal"));
    }

    private TestFolders() {
    }

    public static Path create(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            synchronized (CREATED) {
                CREATED.add(folder);
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code stop} at JVM exit before the folders are removed, e.g. to stop a server whose data is in one. */
    public static void beforeRemoval(Runnable stop) {
        synchronized (CREATED) {
            BEFORE_REMOVAL.add(stop);
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

    private static void removeAll() {
        List<Runnable> stops;
        List<Path> folders;
        synchronized (CREATED) {
            stops = List.copyOf(BEFORE_REMOVAL);
            folders = List.copyOf(CREATED);
        }
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println("test clean-up: " + e.getMessage());
            }
        }
        if (Boolean.getBoolean("cpdb.test.keep-folders")) {
            return;
        }
        for (Path folder : folders) {
            delete(folder);
        }
    }

    /** Deletes a folder tree, leaving whatever cannot be deleted (the next run does not depend on it). */
    private static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(folder)) {
            tree.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Left behind; nothing reads it again.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A file vanished or cannot be read while walking; the rest stays.
        }
    }
}
