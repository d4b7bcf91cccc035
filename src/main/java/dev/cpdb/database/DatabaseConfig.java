package dev.cpdb.database;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Connection settings of both paths; property names map to the environment variables operators set
 * ({@code database.url} is {@code DATABASE_URL}).
 */
@ConfigMapping(prefix = "database")
public interface DatabaseConfig {

    /** Runtime (pooled) connection URL in libpq form; absent means the embedded PostgreSQL. */
    Optional<String> url();

    /** Direct connection URL for migrations, backups and locks; defaults to {@link #url()}. */
    @WithName("migration-url")
    Optional<String> migrationUrl();

    /** Runtime pool settings. */
    Pool pool();

    /** {@code application_name} reported to PostgreSQL by the runtime pool; the direct path adds "-direct". */
    @WithName("application-name")
    @WithDefault("cpdb")
    String applicationName();

    /** Time allowed to open a connection on either path. */
    @WithName("connect-timeout")
    @WithDefault("10s")
    Duration connectTimeout();

    /**
     * Whether the runtime pool caches server-side prepared statements; unset means "on without a transaction pooler,
     * off behind one". Setting it to true behind a transaction pooler is refused.
     */
    @WithName("cache-prepared-statements")
    Optional<Boolean> cachePreparedStatements();

    /**
     * How the runtime pool sends parameterized statements: {@code simple} writes the values as literals into one
     * simple-protocol message (one round trip), {@code extended} binds them with parse/bind/execute, {@code auto}
     * picks simple behind a transaction pooler and extended otherwise.
     */
    @WithName("statement-protocol")
    @WithDefault("auto")
    String statementProtocol();

    /** Reads from streaming replicas. */
    Read read();

    /** Reads from streaming replicas; see the replica package for the routing rules. */
    interface Read {

        /**
         * Libpq URLs of streaming replicas (hot standbys) of the database, comma-separated (percent-encode a comma in
         * a password as %2C), each possibly behind its own transaction pooler; absent means every read goes to
         * {@link DatabaseConfig#url()}.
         */
        Optional<String> url();

        /**
         * Direct (or session-pooled) libpq URLs of the same replicas, one per entry of {@link #url()} and in its
         * order, for work that needs a session of its own: backups read from a replica. Absent: each replica's
         * {@link #url()} entry, unless a transaction pooler was found in front of it.
         */
        @WithName("direct-url")
        Optional<String> directUrl();

        /**
         * How far behind the primary a replica may be for reads of callers that have not written lately: a replica
         * further behind is skipped. Also how long after a write cpdb keeps the writer's WAL position.
         */
        @WithName("max-staleness")
        @WithDefault("5s")
        Duration maxStaleness();

        /** How often the primary's WAL position and each replica's replay position are read. */
        @WithName("poll-interval")
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * How long a read, or a check, waits for a replica's answer; then the replica counts as down and the read
         * runs on the primary. Bounds the wait when a pooler holds statements for a replica that is gone.
         */
        @WithDefault("5s")
        Duration timeout();
    }

    /** Runtime pool sizing. */
    interface Pool {

        /**
         * Largest number of runtime connections this instance opens; unset means 10, or 40 behind a transaction
         * pooler, whose client connections are cheap and where more of them keep its server connections busy.
         */
        Optional<Integer> max();

        /** How long an unused runtime connection stays open. */
        @WithName("idle-timeout")
        @WithDefault("5m")
        Duration idleTimeout();

        /** How long a request may wait for a free runtime connection. */
        @WithName("acquire-timeout")
        @WithDefault("10s")
        Duration acquireTimeout();

        /**
         * How long a runtime connection is used before it is closed and replaced, busy or idle; bounds how long a
         * draining pooler (PgBouncer's SIGTERM, SHUTDOWN WAIT_FOR_CLIENTS) waits for cpdb to leave.
         */
        @WithName("max-lifetime")
        @WithDefault("5m")
        Duration maxLifetime();
    }
}
