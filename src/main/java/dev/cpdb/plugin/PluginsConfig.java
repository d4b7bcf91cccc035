package dev.cpdb.plugin;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Plugin namespace settings.
 */
@ConfigMapping(prefix = "cpdb.plugins")
public interface PluginsConfig {

    /** Folder with one sub-folder per plugin; default {@code $CPDB_HOME/instances/$CPDB_INSTANCE_ID/plugins}. */
    Optional<String> dir();

    /** Whether readiness fails while a plugin is invalid, failed or not fully migrated. */
    @WithDefault("false")
    boolean required();

    /** How long a migration run waits while another instance migrates the same plugin. */
    @WithName("lock-timeout")
    @WithDefault("60s")
    Duration lockTimeout();
}
