package dev.cpdb.status;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Leaves out the meters the Vert.x metrics binder makes for each SQL client connection. It registers them per
 * connection under one name, so every connection after the first logs a warning and only the first is counted; the
 * runtime pool's {@code cpdb_runtime_pool_*} gauges ({@link ConnectionMetrics}) report the pool instead. HTTP server
 * meters of the same binder stay.
 */
@Singleton
public class SqlClientMeters {

    @Produces
    @Singleton
    MeterFilter withoutSqlClientMeters() {
        return MeterFilter.deny(id -> "sql".equals(id.getTag("clientType")));
    }
}
