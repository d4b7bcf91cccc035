package dev.cpdb.plugin.namespace;

import java.util.List;

/**
 * A row of {@code plugin_database_namespaces}: the schema and role recorded for a plugin key.
 *
 * @param key the plugin key
 * @param namespace the schema name
 * @param role the role name (recorded even under schema-only isolation, so a later run can create it)
 * @param isolation how the namespace was last prepared
 * @param status {@code active} or {@code migration_failed}
 * @param pluginVersion the manifest version of the last run
 * @param readGrants core tables the role was last granted {@code SELECT} on
 * @param lastError the reason of the last failure, or null
 */
public record RegisteredNamespace(String key, String namespace, String role, IsolationMode isolation,
        String status, String pluginVersion, List<String> readGrants, String lastError) {

    /** Registry status of a plugin whose last run succeeded. */
    public static final String ACTIVE = "active";

    /** Registry status of a plugin whose last run failed. */
    public static final String MIGRATION_FAILED = "migration_failed";

    public RegisteredNamespace {
        readGrants = List.copyOf(readGrants);
    }
}
