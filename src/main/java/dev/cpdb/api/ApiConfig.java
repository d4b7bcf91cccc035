package dev.cpdb.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Settings of the runtime API.
 */
@ConfigMapping(prefix = "cpdb.api")
public interface ApiConfig {

    /**
     * Largest request body accepted under {@code /api/} ({@code CPDB_API_MAX_BODY_SIZE}); larger ones are refused with
     * 413 before they are read. Keep it below {@code quarkus.http.limits.max-body-size}, the server's hard limit.
     */
    @WithName("max-body-size")
    @WithDefault("1M")
    MemorySize maxBodySize();
}
