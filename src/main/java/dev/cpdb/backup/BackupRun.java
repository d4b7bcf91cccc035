package dev.cpdb.backup;

import java.time.Instant;

/**
 * One row of {@code backup_runs}: a backup or a restore drill, running or finished, on whichever replica.
 */
public record BackupRun(String id, String kind, String backupId, String trigger, Instant slot, String status,
        String phase, String target, String holder, Instant startedAt, Instant finishedAt, Long bytes, Long rows,
        String error) {

    public boolean running() {
        return "running".equals(status);
    }
}
