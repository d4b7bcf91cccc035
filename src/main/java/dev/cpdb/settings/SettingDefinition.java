package dev.cpdb.settings;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * One instance setting, defined once in code: its key, type and range, default, group, description and whether it
 * is sensitive. The key is also the configuration property below {@code cpdb.} and, upper-cased with dots and dashes
 * as underscores, the environment variable that overrides it (for example {@code query-log.level},
 * {@code cpdb.query-log.level}, {@code CPDB_QUERY_LOG_LEVEL}).
 *
 * <p>
 * Plugins declare settings of their own in their manifest; those live in the plugin's namespace,
 * {@code plugin.<plugin key>.<name>} (the plugin key as the manifest spells it, the name lower-case letters, digits and
 * {@code _}), so no plugin can declare or shadow a core setting: core keys never start with {@code plugin}.
 *
 * @param check for {@link Kind#TEXT}: returns the value to store or throws {@link IllegalArgumentException} with
 *        what to fix; null for none
 */
public record SettingDefinition(String key, Kind kind, String group, String description, String defaultValue,
        boolean sensitive, long min, long max, List<String> choices, UnaryOperator<String> check) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+");

    /** Where plugin settings live: {@code plugin.<plugin key>.<name>}. */
    public static final String PLUGIN_NAMESPACE = "plugin.";

    /** Names of plugin settings within their plugin's namespace. */
    public static final Pattern PLUGIN_SETTING_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private static final Pattern PLUGIN_KEY = Pattern.compile("plugin\\.[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\."
            + PLUGIN_SETTING_NAME.pattern());

    /** The types of values. */
    public enum Kind {
        BOOLEAN,
        INTEGER,
        DURATION,
        CHOICE,
        TEXT;

        /** The type's name in the API. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SettingDefinition {
        Objects.requireNonNull(kind);
        if (!validKey(key)) {
            throw new IllegalArgumentException("a setting key is lower-case words joined by dots, not starting with "
                    + "'plugin' (or plugin.<plugin key>.<name> for a plugin's own): " + key);
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (defaultValue != null) {
            // A definition whose default is outside its own range is a programming error, found at start-up.
            defaultValue = normalize(key, kind, min, max, choices, check, defaultValue);
        }
    }

    /** A true/false setting. */
    public static SettingDefinition bool(String key, String group, String description, boolean defaultValue) {
        return new SettingDefinition(key, Kind.BOOLEAN, group, description, Boolean.toString(defaultValue), false, 0,
                0, null, null);
    }

    /** A whole number between {@code min} and {@code max}. */
    public static SettingDefinition integer(String key, String group, String description, long defaultValue, long min,
            long max) {
        return new SettingDefinition(key, Kind.INTEGER, group, description, Long.toString(defaultValue), false, min,
                max, null, null);
    }

    /** A duration between {@code min} and {@code max} ({@code 500ms}, {@code 30s}, {@code 5m}, ISO-8601). */
    public static SettingDefinition duration(String key, String group, String description, Duration defaultValue,
            Duration min, Duration max) {
        return new SettingDefinition(key, Kind.DURATION, group, description, text(defaultValue), false,
                min.toMillis(), max.toMillis(), null, null);
    }

    /** One of {@code choices}. */
    public static SettingDefinition choice(String key, String group, String description, String defaultValue,
            List<String> choices) {
        return new SettingDefinition(key, Kind.CHOICE, group, description, defaultValue, false, 0, 0, choices, null);
    }

    /** Free text checked by {@code check}; sensitive values are stored encrypted and never shown. */
    public static SettingDefinition text(String key, String group, String description, String defaultValue,
            boolean sensitive, UnaryOperator<String> check) {
        return new SettingDefinition(key, Kind.TEXT, group, description, defaultValue, sensitive, 0, 0, null, check);
    }

    /** The key of the setting {@code name} of the plugin {@code pluginKey}. */
    public static String pluginKey(String pluginKey, String name) {
        return PLUGIN_NAMESPACE + pluginKey + "." + name;
    }

    /** Whether the setting belongs to a plugin rather than to cpdb itself. */
    public boolean plugin() {
        return key.startsWith(PLUGIN_NAMESPACE);
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        if (key.startsWith(PLUGIN_NAMESPACE)) {
            return PLUGIN_KEY.matcher(key).matches();
        }
        return !key.startsWith("plugin") && key.length() <= 100 && KEY.matcher(key).matches();
    }

    /**
     * The configuration property that overrides the stored value: {@code cpdb.<key>}, or for a plugin's setting
     * {@code cpdb-plugin.<plugin key>.<name>}, outside {@code cpdb.}, whose names the configuration checks against
     * cpdb's own and refuses when unknown. Both match the {@link #environmentVariable()}.
     */
    public String property() {
        return plugin() ? "cpdb-plugin." + key.substring(PLUGIN_NAMESPACE.length()) : "cpdb." + key;
    }

    /**
     * The environment variable that overrides the stored value: the property upper-cased, every character other than a
     * letter or digit as {@code _} (the rule the configuration's environment source matches names by).
     */
    public String environmentVariable() {
        return environmentVariable(key);
    }

    /** The environment variable of the setting {@code key}. */
    public static String environmentVariable(String key) {
        return "CPDB_" + key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** What values are accepted, in words, for errors and listings. */
    public String range() {
        return switch (kind) {
            case BOOLEAN -> "true or false";
            case INTEGER -> "a whole number from " + min + " to " + max;
            case DURATION -> "a duration from " + text(Duration.ofMillis(min)) + " to " + text(Duration.ofMillis(max))
                    + " (such as 500ms, 30s, 5m)";
            case CHOICE -> "one of " + String.join(", ", choices);
            case TEXT -> "text";
        };
    }

    /**
     * The value in its stored form.
     *
     * @throws IllegalArgumentException naming the setting and its range when the value is not accepted
     */
    public String normalize(String value) {
        return normalize(key, kind, min, max, choices, check, value);
    }

    private static String normalize(String key, Kind kind, long min, long max, List<String> choices,
            UnaryOperator<String> check, String value) {
        String text = value == null ? "" : value.strip();
        String problem = key + " is \"" + shorten(text) + "\"; ";
        switch (kind) {
            case BOOLEAN -> {
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return text.toLowerCase(Locale.ROOT);
                }
                throw new IllegalArgumentException(problem + "use true or false");
            }
            case INTEGER -> {
                long number;
                try {
                    number = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(problem + "use a whole number from " + min + " to " + max);
                }
                if (number < min || number > max) {
                    throw new IllegalArgumentException(problem + "use a whole number from " + min + " to " + max);
                }
                return Long.toString(number);
            }
            case DURATION -> {
                Duration duration;
                try {
                    duration = DurationConverter.parseDuration(text);
                } catch (RuntimeException e) {
                    duration = null;
                }
                if (duration == null || duration.toMillis() < min || duration.toMillis() > max) {
                    throw new IllegalArgumentException(problem + "use a duration from " + text(Duration.ofMillis(min))
                            + " to " + text(Duration.ofMillis(max)) + " (such as 500ms, 30s, 5m)");
                }
                return text(duration);
            }
            case CHOICE -> {
                String lower = text.toLowerCase(Locale.ROOT);
                if (choices.contains(lower)) {
                    return lower;
                }
                throw new IllegalArgumentException(problem + "use one of " + String.join(", ", choices));
            }
            default -> {
                if (value == null || value.length() > 4096) {
                    throw new IllegalArgumentException(key + ": use text of at most 4096 characters");
                }
                return check == null ? value : check.apply(value);
            }
        }
    }

    /** Durations in the shortest exact form: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000L == 0 && millis > 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0 && millis > 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0 && millis > 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
