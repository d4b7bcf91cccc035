package dev.cpdb.migration;

import dev.cpdb.InvalidConfigurationException;

/**
 * Start-up refused because automatic migration is off and the core schema is behind.
 */
public class MigrationsPendingException extends InvalidConfigurationException {

    public MigrationsPendingException(MigrationState state) {
        super(state.pending().size() + " core migration(s) are pending (" + String.join(", ", state.pending())
                + ") and CPDB_MIGRATION_AUTO_APPLY is false; run `cpdb migrate` (java -jar quarkus-run.jar migrate) "
                + "with the same database settings, or set CPDB_MIGRATION_AUTO_APPLY=true");
    }
}
