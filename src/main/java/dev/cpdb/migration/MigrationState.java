package dev.cpdb.migration;

import java.util.List;

/**
 * Where the core schema stands: the applied version and what is still pending.
 *
 * @param currentVersion newest applied version, or null on an empty database
 * @param applied number of applied migrations
 * @param pending versions not yet applied, oldest first
 */
public record MigrationState(String currentVersion, int applied, List<String> pending) {

    public MigrationState {
        pending = List.copyOf(pending);
    }

    /** Whether every known migration is applied. */
    public boolean upToDate() {
        return pending.isEmpty();
    }
}
