package dev.cpdb.backup.retention;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Retention settings ({@code CPDB_BACKUP_RETENTION_*}); {@link RetentionPolicy} defines exactly what the numbers keep.
 */
@ConfigMapping(prefix = "cpdb.backup.retention")
public interface RetentionConfig {

    /** Defaults of the tiers, also those of the instance settings. */
    String DEFAULT_DAYS = "7";
    String DEFAULT_WEEKS = "4";
    String DEFAULT_MONTHS = "1";
    String DEFAULT_MIN_COUNT = "3";

    /** Prune after each successful backup; {@code backups prune} applies the policy when asked either way. */
    @WithDefault("true")
    boolean enabled();

    /** Keep every backup that finished within this many days (24-hour periods); 0 turns the rule off. */
    @WithDefault(DEFAULT_DAYS)
    int days();

    /** Keep the newest backup of each of this many ISO weeks (UTC), counting the current one; 0 turns it off. */
    @WithDefault(DEFAULT_WEEKS)
    int weeks();

    /** Keep the newest backup of each of this many calendar months (UTC), counting the current one; 0 turns it off. */
    @WithDefault(DEFAULT_MONTHS)
    int months();

    /** Keep at least this many of the newest backups, however old. */
    @WithName("min-count")
    @WithDefault(DEFAULT_MIN_COUNT)
    int minCount();

    /**
     * Uncommitted objects (a data object without manifest, an unfinished upload) older than this are removed; unset
     * means {@code cpdb.backup.deadline}. Shorter than the deadline is refused: a running backup could be hit.
     */
    @WithName("leftover-age")
    Optional<Duration> leftoverAge();
}
