package dev.cpdb.plugin.namespace;

import java.time.OffsetDateTime;

/**
 * A row of {@code plugin_migrations}: one migration of one plugin, applied or failed.
 *
 * @param version the migration's version
 * @param fileName the file it came from
 * @param checksum SHA-256 of the file when it was applied (or last tried)
 * @param pluginVersion the manifest version at that time
 * @param status {@code applied} or {@code failed}
 * @param startedAt when the last attempt started
 * @param appliedAt when it was committed, or null
 * @param errorMessage why the last attempt failed, or null
 */
public record RecordedMigration(int version, String fileName, String checksum, String pluginVersion, String status,
        OffsetDateTime startedAt, OffsetDateTime appliedAt, String errorMessage) {

    /** Status of a committed migration. */
    public static final String APPLIED = "applied";

    /** Status of a migration whose last attempt was rolled back. */
    public static final String FAILED = "failed";

    /** Whether the migration is committed. */
    public boolean applied() {
        return APPLIED.equals(status);
    }
}
