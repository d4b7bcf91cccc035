package dev.cpdb.migration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * How core and plugin migrations wait for table locks, so that a rolling upgrade never queues the running service's
 * requests behind a migration for long.
 */
@ConfigMapping(prefix = "cpdb.migration")
public interface MigrationConfig {

    /**
     * PostgreSQL {@code lock_timeout} of every migration statement: how long one statement may wait for a table lock
     * (and so hold up the requests queued behind it) before the attempt is rolled back and tried again.
     */
    @WithName("lock-timeout")
    @WithDefault("3s")
    Duration lockTimeout();

    /**
     * Total time one migration run keeps trying (waiting for a running backup, retrying lock timeouts with back-off)
     * before it gives up and reports what blocks it.
     */
    @WithName("max-wait")
    @WithDefault("5m")
    Duration maxWait();

    /**
     * Further Flyway locations ({@code filesystem:/path}) applied together with the core migrations; for rehearsing an
     * upgrade against a copy of production, never needed in normal operation.
     */
    @WithName("extra-locations")
    Optional<List<String>> extraLocations();
}
