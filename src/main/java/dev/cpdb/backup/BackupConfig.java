package dev.cpdb.backup;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Backup settings ({@code CPDB_BACKUP_*}).
 */
@ConfigMapping(prefix = "cpdb.backup")
public interface BackupConfig {

    /**
     * Where backups go: a folder path or {@code s3://bucket/prefix}; default
     * {@code $CPDB_HOME/instances/$CPDB_INSTANCE_ID/backups}.
     */
    Optional<String> target();

    /** Compression of the data object: zstd, gzip or none. */
    @WithDefault("zstd")
    String compression();

    /** Longest a backup may run before it is cancelled. */
    @WithDefault("6h")
    Duration deadline();

    /** How long a backup waits for its table locks before giving up. */
    @WithName("lock-timeout")
    @WithDefault("30s")
    Duration lockTimeout();
}
