package dev.cpdb.status;

import java.util.function.ToDoubleFunction;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.database.Database;
import dev.cpdb.database.PoolUse;
import dev.cpdb.health.DatabaseProbe;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Connection gauges at {@code /q/metrics}: this replica's runtime pool and direct connections, read when scraped,
 * and the server's limit and client connections as the last database probe (readiness or status) saw them, so a
 * scrape never opens a connection. A value not known yet (before the start or the first probe) reads NaN.
 */
@Startup
@ApplicationScoped
public class ConnectionMetrics {

    private static final String CONNECTIONS = "Client connections on the server: owner cpdb carries cpdb's "
            + "application names (every replica and command), owner others is everyone else";

    public ConnectionMetrics(MeterRegistry registry, Database database, DatabaseProbe probe) {
        pool(registry, database, "cpdb.runtime.pool.size", "Most connections the runtime pool opens", PoolUse::size);
        pool(registry, database, "cpdb.runtime.pool.in.use", "Runtime pool connections running work",
                PoolUse::inUse);
        pool(registry, database, "cpdb.runtime.pool.waiting",
                "Statements and transactions waiting for a runtime pool connection", PoolUse::waiting);
        Gauge.builder("cpdb.direct.connections.in.use", database,
                db -> db.started() ? db.direct().inUse() : Double.NaN)
                .description("Direct (JDBC) connections this process holds open").register(registry);
        server(registry, probe, "cpdb.server.connections.max", "The server's max_connections", null,
                server -> server.maxConnections());
        server(registry, probe, "cpdb.server.connections", CONNECTIONS, "cpdb", server -> server.cpdb());
        server(registry, probe, "cpdb.server.connections", CONNECTIONS, "others", server -> server.others());
    }

    private static void pool(MeterRegistry registry, Database database, String name, String description,
            ToDoubleFunction<PoolUse> value) {
        Gauge.builder(name, database, db -> db.runtimeUse().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description).register(registry);
    }

    private static void server(MeterRegistry registry, DatabaseProbe probe, String name, String description,
            String owner, ToDoubleFunction<DatabaseProbe.ServerConnections> value) {
        Gauge.Builder<DatabaseProbe> builder = Gauge.builder(name, probe, p -> {
            DatabaseProbe.Result last = p.last();
            return last == null || last.server() == null ? Double.NaN : value.applyAsDouble(last.server());
        }).description(description);
        if (owner != null) {
            builder.tag("owner", owner);
        }
        builder.register(registry);
    }
}
