package dev.cpdb.plugin.namespace;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one migration run did for one plugin.
 *
 * @param key the plugin key (or the folder name of a folder without a readable key)
 * @param outcome how the run ended
 * @param namespace the plugin's schema, when known
 * @param role the plugin's role, when known
 * @param isolation how the namespace is isolated, when it was prepared
 * @param applied migrations applied by this run
 * @param pending migrations still pending after the run
 * @param error the one-line reason when the run did not succeed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginRun(String key, Outcome outcome, String namespace, String role, IsolationMode isolation,
        int applied, int pending, String error) {

    /** How a run ended. */
    public enum Outcome {
        /** Every migration is applied (possibly none by this run). */
        MIGRATED,
        /** A migration or the namespace set-up failed; recorded as {@code migration_failed}. */
        FAILED,
        /** Another instance held the plugin's lock for longer than the lock timeout; nothing was done. */
        BUSY,
        /** The plugin folder was rejected; nothing was done. */
        INVALID
    }

    /** Whether the plugin is up to date after the run. */
    public boolean succeeded() {
        return outcome == Outcome.MIGRATED;
    }
}
