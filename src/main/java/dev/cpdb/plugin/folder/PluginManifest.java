package dev.cpdb.plugin.folder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.cpdb.settings.SettingDefinition;

/**
 * A plugin's {@code plugin.json}: its key, version, optional namespace slug, optional migrations folder, the core
 * tables it may read and the settings it declares.
 *
 * <p>
 * Parsing is strict on purpose: unknown fields, duplicate fields, wrong types and trailing content are refused with a
 * message naming the field, so that a typo ({@code "readCoreTable"}) never silently drops a setting.
 *
 * @param key the plugin's identity: 1 to 128 ASCII letters, digits, {@code .}, {@code _} or {@code -}, starting with
 *        a letter or digit; case is significant
 * @param version the plugin's version as the plugin states it (recorded with each migration)
 * @param slug the namespace slug the plugin asks for ({@code [a-z0-9][a-z0-9_]*}, at most 56 characters), if any
 * @param migrations the migrations folder relative to the plugin folder ({@code migrations} by default)
 * @param migrationsDeclared whether the manifest named the migrations folder (then it must exist)
 * @param readCoreTables core tables ({@code public} schema) the plugin's role may {@code SELECT}
 * @param settings the settings the plugin declares, keyed {@code plugin.<key>.<name>} (see {@link ManifestSettings})
 */
public record PluginManifest(String key, String version, Optional<String> slug, String migrations,
        boolean migrationsDeclared, List<String> readCoreTables, List<SettingDefinition> settings) {

    /** File name of the manifest inside a plugin folder. */
    public static final String FILE_NAME = "plugin.json";

    /** Default migrations folder. */
    public static final String DEFAULT_MIGRATIONS = "migrations";

    /** Longest slug: {@code plugin_} plus the slug must fit PostgreSQL's 63-byte identifiers. */
    public static final int MAX_SLUG_LENGTH = 56;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_]{0," + (MAX_SLUG_LENGTH - 1) + "}");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_VERSION_LENGTH = 64;
    private static final int MAX_READ_TABLES = 100;

    /** Core tables that are cpdb's own bookkeeping and never readable by plugins. */
    public static final Set<String> BOOKKEEPING_TABLES = Set.of("flyway_schema_history", "plugin_database_namespaces",
            "plugin_migrations");

    private static final List<String> FIELDS = List.of("key", "version", "slug", "migrations", "readCoreTables",
            "settings");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public PluginManifest {
        readCoreTables = List.copyOf(readCoreTables);
        settings = List.copyOf(settings);
    }

    /** Human-readable rule for keys, used in error messages. */
    public static final String KEY_RULE = "1 to 128 ASCII letters, digits, '.', '_' or '-', starting with a letter or "
            + "digit";

    /** Whether {@code key} is a well-formed plugin key. */
    public static boolean isValidKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /**
     * Parses and validates a manifest.
     *
     * @param content the bytes of {@code plugin.json}
     * @throws InvalidPluginException naming the first problem found
     */
    public static PluginManifest parse(byte[] content) throws InvalidPluginException {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidPluginException(FILE_NAME + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidPluginException(FILE_NAME + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPluginException(FILE_NAME + " must hold one JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidPluginException(FILE_NAME + " has the unknown field '" + name + "'; the fields are "
                        + String.join(", ", FIELDS));
            }
        }
        String key = requiredText(root, "key");
        if (!isValidKey(key)) {
            throw new InvalidPluginException("key '" + printable(key) + "' is not valid: use " + KEY_RULE);
        }
        String version = requiredText(root, "version");
        if (version.isBlank() || version.length() > MAX_VERSION_LENGTH || version.codePoints().anyMatch(
                Character::isISOControl)) {
            throw new InvalidPluginException("version must be 1 to " + MAX_VERSION_LENGTH
                    + " characters without control characters");
        }
        Optional<String> slug = optionalText(root, "slug");
        if (slug.isPresent() && !SLUG.matcher(slug.get()).matches()) {
            throw new InvalidPluginException("slug '" + printable(slug.get()) + "' is not valid: use 1 to "
                    + MAX_SLUG_LENGTH + " lowercase ASCII letters, digits or '_', starting with a letter or digit");
        }
        Optional<String> migrations = optionalText(root, "migrations");
        if (migrations.isPresent()) {
            checkRelativePath("migrations", migrations.get());
        }
        List<String> reads = readTables(root);
        return new PluginManifest(key, version, slug, migrations.orElse(DEFAULT_MIGRATIONS), migrations.isPresent(),
                reads, ManifestSettings.read(key, root.get("settings")));
    }

    /**
     * Refuses absolute paths, {@code ..} and {@code .} segments, backslashes and empty segments: a manifest path names
     * a folder inside the plugin folder, spelled the same on every system.
     */
    static void checkRelativePath(String field, String path) throws InvalidPluginException {
        if (path.isEmpty()) {
            throw new InvalidPluginException(field + " must not be empty");
        }
        if (path.startsWith("/") || path.contains("\\") || path.matches("^[A-Za-z]:.*")) {
            throw new InvalidPluginException(field + " '" + printable(path) + "' must be a relative path inside the "
                    + "plugin folder, with '/' between folders");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidPluginException(field + " '" + printable(path) + "' must not contain '"
                        + segment + "' segments");
            }
            if (segment.isEmpty() || !SEGMENT.matcher(segment).matches()) {
                throw new InvalidPluginException(field + " '" + printable(path) + "' may only use ASCII letters, "
                        + "digits, '.', '_' and '-' in folder names");
            }
        }
    }

    private static List<String> readTables(JsonNode root) throws InvalidPluginException {
        JsonNode node = root.get("readCoreTables");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidPluginException("readCoreTables must be an array of table names");
        }
        if (node.size() > MAX_READ_TABLES) {
            throw new InvalidPluginException("readCoreTables may name at most " + MAX_READ_TABLES + " tables");
        }
        Set<String> tables = new LinkedHashSet<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new InvalidPluginException("readCoreTables must only hold strings");
            }
            String table = element.textValue();
            if (!TABLE.matcher(table).matches()) {
                throw new InvalidPluginException("readCoreTables entry '" + printable(table) + "' is not a core "
                        + "table name (lowercase letters, digits and '_', without a schema)");
            }
            if (BOOKKEEPING_TABLES.contains(table)) {
                throw new InvalidPluginException("readCoreTables entry '" + table + "' is cpdb's own bookkeeping "
                        + "and cannot be granted to plugins");
            }
            if (!tables.add(table)) {
                throw new InvalidPluginException("readCoreTables names '" + table + "' twice");
            }
        }
        return new ArrayList<>(tables);
    }

    private static String requiredText(JsonNode root, String field) throws InvalidPluginException {
        return optionalText(root, field)
                .orElseThrow(() -> new InvalidPluginException(FILE_NAME + " must set '" + field + "'"));
    }

    private static Optional<String> optionalText(JsonNode root, String field) throws InvalidPluginException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidPluginException(field + " must be a JSON string, not " + kind(node));
        }
        return Optional.of(node.textValue());
    }

    private static String kind(JsonNode node) {
        return Map.of("NUMBER", "a number", "BOOLEAN", "a boolean", "ARRAY", "an array", "OBJECT", "an object")
                .getOrDefault(node.getNodeType().name(), node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Escapes control and non-ASCII characters so hostile values cannot forge log lines. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(point -> {
            if (point >= 0x20 && point < 0x7f) {
                out.appendCodePoint(point);
            } else {
                out.append(String.format("\\u%04x", point));
            }
        });
        return out.toString();
    }
}
