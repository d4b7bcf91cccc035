package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The versions of the core migration files in the source tree, the independent expectation for migration tests. */
public final class CoreMigrationFiles {

    private CoreMigrationFiles() {
    }

    /** Versions such as "1", "2", in ascending order. */
    public static List<String> versions() {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.+\\.sql"))
                    .map(name -> name.substring(1, name.indexOf("__")))
                    .sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest version. */
    public static String latest() {
        List<String> versions = versions();
        return versions.get(versions.size() - 1);
    }
}
