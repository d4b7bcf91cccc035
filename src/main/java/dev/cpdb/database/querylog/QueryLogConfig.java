package dev.cpdb.database.querylog;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Statement logging at start-up: which statements cpdb logs, on both connection paths. */
@ConfigMapping(prefix = "cpdb.query-log")
public interface QueryLogConfig {

    /** off, slow (at least the threshold, and failures), all, or with-values (all, with values shown). */
    @WithDefault("off")
    String level();

    /** From how long a statement counts as slow. */
    @WithName("slow-threshold")
    @WithDefault("500ms")
    Duration slowThreshold();
}
