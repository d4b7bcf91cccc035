package dev.cpdb.plugin.folder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cpdb.settings.SettingDefinition;
import dev.cpdb.settings.SettingDefinition.Kind;
import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Reads the {@code settings} a plugin declares in its {@code plugin.json} into setting definitions in the plugin's
 * namespace ({@code plugin.<plugin key>.<name>}).
 *
 * <p>
 * The folder may be written by someone hostile, so everything is bounded (counts, lengths, ranges) and checked field
 * by field; every refusal names the plugin, the setting and what to fix. A sensitive setting is free text without a
 * default: its value is only ever set by an operator, and the messages about it never echo a value.
 */
final class ManifestSettings {

    /** Most settings one plugin may declare. */
    static final int MAX_SETTINGS = 50;

    private static final int MAX_DESCRIPTION = 500;
    private static final int MAX_CHOICES = 50;
    private static final Duration LONGEST = Duration.ofDays(3650);
    private static final Pattern CHOICE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final List<String> FIELDS = List.of("key", "type", "description", "default", "sensitive", "min",
            "max", "choices");
    private static final String TYPES = "boolean, integer, duration, choice, text";

    private ManifestSettings() {
    }

    /**
     * The definitions the manifest's {@code settings} array declares (none when it is absent).
     *
     * @throws InvalidPluginException naming the plugin, the setting and the rule it breaks
     */
    static List<SettingDefinition> read(String pluginKey, JsonNode node) throws InvalidPluginException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        String plugin = "plugin " + pluginKey;
        if (!node.isArray()) {
            throw new InvalidPluginException(plugin + ": settings must be an array of objects, one per setting");
        }
        if (node.size() > MAX_SETTINGS) {
            throw new InvalidPluginException(plugin + ": settings may declare at most " + MAX_SETTINGS
                    + " settings, not " + node.size());
        }
        List<SettingDefinition> definitions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            SettingDefinition definition = setting(pluginKey, i, node.get(i));
            String name = definition.key().substring(definition.key().lastIndexOf('.') + 1);
            if (!names.add(name)) {
                throw new InvalidPluginException(plugin + ", setting " + name + ": declared twice; keep one");
            }
            definitions.add(definition);
        }
        return definitions;
    }

    private static SettingDefinition setting(String pluginKey, int index, JsonNode node)
            throws InvalidPluginException {
        String where = "plugin " + pluginKey + ", settings[" + index + "]";
        if (!node.isObject()) {
            throw new InvalidPluginException(where + ": must be an object with key, type and description");
        }
        JsonNode keyNode = node.get("key");
        if (keyNode == null || !keyNode.isTextual()
                || !SettingDefinition.PLUGIN_SETTING_NAME.matcher(keyNode.textValue()).matches()) {
            throw new InvalidPluginException(where + ": key must be 1 to 63 lower-case ASCII letters, digits or '_', "
                    + "starting with a letter"
                    + (keyNode != null && keyNode.isTextual() ? " (not '" + PluginManifest.printable(
                            keyNode.textValue()) + "')" : ""));
        }
        String name = keyNode.textValue();
        where = "plugin " + pluginKey + ", setting " + name;
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext();) {
            String field = fields.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidPluginException(where + ": unknown field '" + PluginManifest.printable(field)
                        + "'; the fields are " + String.join(", ", FIELDS));
            }
        }
        Kind kind = kind(where, node.get("type"));
        String description = description(where, node.get("description"));
        boolean sensitive = flag(where, node.get("sensitive"));
        if (sensitive && kind != Kind.TEXT) {
            throw new InvalidPluginException(where + ": only text settings can be sensitive; make it type text or "
                    + "drop sensitive");
        }
        if (sensitive && node.has("default")) {
            throw new InvalidPluginException(where + ": a sensitive setting cannot have a default (plugin.json is "
                    + "not secret); drop the default and set the value through the settings API");
        }
        long[] range = range(where, kind, node.get("min"), node.get("max"));
        List<String> choices = choices(where, kind, node.get("choices"));
        String defaultValue = defaultValue(where, kind, node.get("default"));
        try {
            return new SettingDefinition(SettingDefinition.pluginKey(pluginKey, name), kind,
                    SettingDefinition.PLUGIN_NAMESPACE + pluginKey, description, defaultValue, sensitive, range[0],
                    range[1], choices, null);
        } catch (IllegalArgumentException e) {
            throw new InvalidPluginException(where + ": the default does not fit the setting's own range: "
                    + e.getMessage());
        }
    }

    private static String article(Kind kind) {
        return (kind == Kind.INTEGER ? "an " : "a ") + kind.label();
    }

    private static Kind kind(String where, JsonNode node) throws InvalidPluginException {
        if (node != null && node.isTextual()) {
            for (Kind kind : Kind.values()) {
                if (kind.label().equals(node.textValue())) {
                    return kind;
                }
            }
        }
        throw new InvalidPluginException(where + ": type must be one of " + TYPES);
    }

    private static String description(String where, JsonNode node) throws InvalidPluginException {
        if (node == null || !node.isTextual() || node.textValue().isBlank()
                || node.textValue().length() > MAX_DESCRIPTION
                || node.textValue().codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidPluginException(where + ": description must be 1 to " + MAX_DESCRIPTION
                    + " characters of text without control characters");
        }
        return node.textValue();
    }

    private static boolean flag(String where, JsonNode node) throws InvalidPluginException {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidPluginException(where + ": sensitive must be true or false");
        }
        return node.booleanValue();
    }

    /** {min, max}: whole numbers for integers, milliseconds for durations, zeros for the other types. */
    private static long[] range(String where, Kind kind, JsonNode min, JsonNode max) throws InvalidPluginException {
        if (kind != Kind.INTEGER && kind != Kind.DURATION) {
            if (min != null || max != null) {
                throw new InvalidPluginException(where + ": min and max are only for integer and duration settings");
            }
            return new long[2];
        }
        if (min == null || max == null) {
            throw new InvalidPluginException(where + ": " + article(kind) + " setting needs min and max");
        }
        long low = kind == Kind.INTEGER ? whole(where, "min", min) : millis(where, "min", min);
        long high = kind == Kind.INTEGER ? whole(where, "max", max) : millis(where, "max", max);
        if (low > high) {
            throw new InvalidPluginException(where + ": min is above max; make min at most max");
        }
        return new long[] { low, high };
    }

    private static long whole(String where, String field, JsonNode node) throws InvalidPluginException {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidPluginException(where + ": " + field + " must be a whole number (a JSON number from "
                    + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")");
        }
        return node.longValue();
    }

    private static long millis(String where, String field, JsonNode node) throws InvalidPluginException {
        Duration duration = null;
        if (node.isTextual() && node.textValue().length() <= 32) {
            try {
                duration = DurationConverter.parseDuration(node.textValue().strip());
            } catch (RuntimeException e) {
                duration = null;
            }
        }
        if (duration == null || duration.isNegative() || duration.compareTo(LONGEST) > 0) {
            throw new InvalidPluginException(where + ": " + field + " must be a duration from 0s to "
                    + LONGEST.toDays() + "d written as a string, such as \"500ms\", \"30s\" or \"5m\"");
        }
        return duration.toMillis();
    }

    private static List<String> choices(String where, Kind kind, JsonNode node) throws InvalidPluginException {
        if (kind != Kind.CHOICE) {
            if (node != null) {
                throw new InvalidPluginException(where + ": choices are only for choice settings");
            }
            return List.of();
        }
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_CHOICES) {
            throw new InvalidPluginException(where + ": a choice setting needs choices, an array of 1 to "
                    + MAX_CHOICES + " strings");
        }
        List<String> choices = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || !CHOICE.matcher(element.textValue()).matches()) {
                throw new InvalidPluginException(where + ": each choice must be 1 to 64 lower-case ASCII letters, "
                        + "digits, '_', '.' or '-', starting with a letter or digit"
                        + (element.isTextual() ? " (not '" + PluginManifest.printable(element.textValue()) + "')"
                                : ""));
            }
            if (choices.contains(element.textValue())) {
                throw new InvalidPluginException(where + ": the choice '" + element.textValue() + "' is listed twice");
            }
            choices.add(element.textValue());
        }
        return choices;
    }

    /** The default as text, checked against the JSON type the setting's type asks for; null when there is none. */
    private static String defaultValue(String where, Kind kind, JsonNode node) throws InvalidPluginException {
        if (node == null) {
            return null;
        }
        boolean fits = switch (kind) {
            case BOOLEAN -> node.isBoolean();
            case INTEGER -> node.isIntegralNumber() && node.canConvertToLong();
            default -> node.isTextual();
        };
        if (!fits) {
            throw new InvalidPluginException(where + ": the default of " + article(kind) + " setting must be "
                    + switch (kind) {
                        case BOOLEAN -> "true or false";
                        case INTEGER -> "a whole JSON number";
                        default -> "a JSON string";
                    });
        }
        String text = node.asText();
        if (text.indexOf(0) >= 0) {
            throw new InvalidPluginException(where + ": the default contains a NUL character");
        }
        return text;
    }
}
