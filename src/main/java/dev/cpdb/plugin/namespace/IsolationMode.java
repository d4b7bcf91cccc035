package dev.cpdb.plugin.namespace;

import java.util.Locale;

/**
 * How a plugin namespace is kept apart from the core and from other plugins.
 */
public enum IsolationMode {

    /** The plugin's own NOLOGIN role owns the schema and runs its migrations: PostgreSQL enforces the boundary. */
    ROLE,

    /**
     * Fallback when cpdb's database user cannot create roles: the plugin gets its own schema (and search path), but
     * its migrations run as cpdb's user and could reach core tables. Always reported as a warning.
     */
    SCHEMA;

    /** The registry and JSON spelling: {@code role} or {@code schema}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the registry spelling. */
    public static IsolationMode of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
