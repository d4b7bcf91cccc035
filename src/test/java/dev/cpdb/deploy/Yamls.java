package dev.cpdb.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Loads YAML documents as plain maps and lists and walks them by key, so checks read like the manifests they
 * inspect.
 */
final class Yamls {

    private Yamls() {
    }

    /** Every non-empty document of a YAML file, in order. */
    static List<Map<String, Object>> load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of a YAML text; {@code label} names it in parse errors. */
    static List<Map<String, Object>> parse(String label, String text) {
        Load loader = new Load(LoadSettings.builder().setLabel(label).build());
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : loader.loadAllFromString(text)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(label + ": a document is not a mapping");
            }
            documents.add(map(document));
        }
        return documents;
    }

    /** The mapping at {@code path} below {@code node}, or an empty map when any step is missing. */
    static Map<String, Object> map(Object node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException(String.join(".", path) + " is not a mapping: " + value);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        raw.forEach((key, item) -> result.put(String.valueOf(key), item));
        return result;
    }

    /** The sequence at {@code path} below {@code node}, or an empty list when any step is missing. */
    static List<Object> list(Object node, String... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> raw)) {
            throw new IllegalArgumentException(String.join(".", path) + " is not a sequence: " + value);
        }
        return new ArrayList<>(raw);
    }

    /** The sequence at {@code path}, each element a mapping. */
    static List<Map<String, Object>> maps(Object node, String... path) {
        return list(node, path).stream().map(Yamls::map).toList();
    }

    /** The scalar at {@code path} as text, when present. */
    static Optional<String> text(Object node, String... path) {
        return Optional.ofNullable(at(node, path)).map(String::valueOf);
    }

    /** The scalar at {@code path} as a number, when present. */
    static Optional<Long> number(Object node, String... path) {
        return text(node, path).map(Long::parseLong);
    }

    /** The value at {@code path}, or null. */
    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> mapping)) {
                return null;
            }
            current = mapping.get(key);
        }
        return current;
    }

    /** Every text scalar anywhere below {@code node}, with its path, for whole-document scans. */
    static Map<String, String> scalars(Object node) {
        Map<String, String> found = new LinkedHashMap<>();
        collect(node, "", found);
        return found;
    }

    private static void collect(Object node, String path, Map<String, String> found) {
        if (node instanceof Map<?, ?> mapping) {
            mapping.forEach((key, value) -> collect(value, path + "/" + key, found));
        } else if (node instanceof List<?> sequence) {
            for (int i = 0; i < sequence.size(); i++) {
                collect(sequence.get(i), path + "/" + i, found);
            }
        } else if (node != null) {
            found.put(path, Objects.toString(node));
        }
    }
}
