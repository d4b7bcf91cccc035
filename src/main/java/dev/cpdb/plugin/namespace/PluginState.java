package dev.cpdb.plugin.namespace;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.cpdb.settings.SettingView;

/**
 * Where one plugin stands, as {@code GET /api/plugins}, {@code GET /api/plugins/{key}} and the status report show it:
 * computed from the plugin folder and the registry, so every replica reports the same.
 *
 * @param key the plugin key (null for a rejected folder whose manifest could not be read)
 * @param folder the plugin's folder name (null for a plugin that is only in the registry)
 * @param version the manifest version
 * @param status {@code active}, {@code pending}, {@code migration_failed}, {@code invalid} or {@code removed}
 * @param namespace the schema (for a plugin not yet migrated: the name it will get)
 * @param role the role, once registered
 * @param isolation {@code role} or {@code schema}, once registered
 * @param applied number of applied migrations
 * @param pending number of migrations not applied yet
 * @param pendingMigrations file names of the pending migrations
 * @param lastError reason of the last failure, or why the folder was rejected
 * @param migrations every migration with its state; only in the single-plugin view
 * @param settings the settings the plugin declares, as {@code GET /api/settings} shows them; only for a usable plugin
 *        while the service has its settings loaded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginState(String key, String folder, String version, String status, String namespace, String role,
        String isolation, int applied, int pending, List<String> pendingMigrations, String lastError,
        List<Migration> migrations, List<SettingView> settings) {

    /** Status of a plugin with every migration applied. */
    public static final String ACTIVE = RegisteredNamespace.ACTIVE;
    /** Status of a usable plugin with migrations still to apply (or never migrated). */
    public static final String PENDING = "pending";
    /** Status of a plugin whose last run failed. */
    public static final String MIGRATION_FAILED = RegisteredNamespace.MIGRATION_FAILED;
    /** Status of a plugin folder that was rejected. */
    public static final String INVALID = "invalid";
    /** Status of a registered plugin whose folder is gone; its schema and history stay. */
    public static final String REMOVED = "removed";

    /** The same state without the per-migration list. */
    public PluginState summary() {
        return new PluginState(key, folder, version, status, namespace, role, isolation, applied, pending,
                pendingMigrations, lastError, null, settings);
    }

    /** The same state with the plugin's settings. */
    public PluginState withSettings(List<SettingView> views) {
        return new PluginState(key, folder, version, status, namespace, role, isolation, applied, pending,
                pendingMigrations, lastError, migrations, List.copyOf(views));
    }

    /** Whether the plugin is fully usable. */
    public boolean healthy() {
        return ACTIVE.equals(status) || REMOVED.equals(status);
    }

    /**
     * One migration of the plugin.
     *
     * @param migration the registry key, e.g. {@code V2}
     * @param file the file name
     * @param status {@code applied}, {@code failed}, {@code pending} or {@code missing} (applied, file gone)
     * @param checksum SHA-256 recorded (or of the file, while pending)
     * @param pluginVersion manifest version it was applied with
     * @param startedAt start of the last attempt (ISO-8601)
     * @param appliedAt commit time (ISO-8601)
     * @param error reason of the last failed attempt
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Migration(String migration, String file, String status, String checksum, String pluginVersion,
            String startedAt, String appliedAt, String error) {
    }
}
