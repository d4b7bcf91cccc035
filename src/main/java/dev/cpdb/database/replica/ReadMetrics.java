package dev.cpdb.database.replica;

import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The read path at {@code /q/metrics}: where reads went, reads a replica failed that the primary answered, and each
 * replica's lag and whether it serves, read from its last check when scraped.
 */
final class ReadMetrics {

    private final Counter onReplica;
    private final Counter onPrimary;
    private final Counter fallbacks;

    ReadMetrics(MeterRegistry registry, ReplicaSet replicas) {
        onReplica = served(registry, "replica");
        onPrimary = served(registry, "primary");
        fallbacks = Counter.builder("cpdb.read.fallbacks")
                .description("Reads a replica failed (down, or stopped mid-statement) that the primary then answered")
                .register(registry);
        for (Replica replica : replicas.all()) {
            Gauge.builder("cpdb.read.replica.lag.seconds", replica, r -> {
                java.time.Duration lag = r.lag(Instant.now());
                return lag == null ? Double.NaN : lag.toMillis() / 1000.0;
            }).description("How far the replica is behind the primary at its last check; NaN when unknown")
                    .tag("replica", replica.name()).register(registry);
            Gauge.builder("cpdb.read.replica.serving", replica,
                    r -> r.state(Instant.now(), replicas.maxStaleness()) == ReplicaState.STREAMING ? 1 : 0)
                    .description("1 when the replica serves reads, 0 when it is skipped (down, lagging, not in "
                            + "recovery)")
                    .tag("replica", replica.name()).register(registry);
        }
    }

    private static Counter served(MeterRegistry registry, String target) {
        return Counter.builder("cpdb.read.statements")
                .description("Statements of read-only requests, by the server that ran them")
                .tag("served.by", target).register(registry);
    }

    void servedByReplica() {
        onReplica.increment();
    }

    void servedByPrimary() {
        onPrimary.increment();
    }

    void fellBack() {
        fallbacks.increment();
    }
}
