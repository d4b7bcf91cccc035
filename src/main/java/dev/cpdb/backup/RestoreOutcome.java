package dev.cpdb.backup;

import java.time.Duration;

import dev.cpdb.backup.engine.LargeObjectStats;
import dev.cpdb.database.DatabaseEndpoint;

/**
 * A committed restore: which backup went where, and how much it loaded.
 */
public record RestoreOutcome(String backupId, DatabaseEndpoint target, int tables, long rows, Duration duration,
        LargeObjectStats largeObjects) {
}
