package dev.cpdb.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readers for the non-YAML deployment files: PgBouncer's INI configuration and the example env files that document
 * the keys of the Secrets operators create.
 */
final class PlainFiles {

    private PlainFiles() {
    }

    /** Sections of an INI file, each a map of {@code key = value}; comment lines start with ';' or '#'. */
    static Map<String, Map<String, String>> ini(Path file) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String raw : lines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        name -> new LinkedHashMap<>());
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException(file + ": setting outside a section: " + line);
            }
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException(file + ": not a setting: " + line);
            }
            current.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
        }
        return sections;
    }

    /** The {@code key=value} words of a PgBouncer connection string such as {@code host=db port=5432}. */
    static Map<String, String> connectionString(String text) {
        Map<String, String> words = new LinkedHashMap<>();
        for (String word : text.strip().split("\\s+")) {
            int equals = word.indexOf('=');
            if (equals > 0) {
                words.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return words;
    }

    /** {@code KEY=value} lines of an env file, as {@code kubectl create secret --from-env-file} reads them. */
    static Map<String, String> env(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : lines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(file + ": not KEY=value: " + line);
            }
            values.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return values;
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
