package dev.cpdb.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.CpdbConfig;
import dev.cpdb.InstanceDirectory;
import dev.cpdb.database.ConnectionPlan.DatabaseMode;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.database.querylog.QueryLog;
import dev.cpdb.database.querylog.QueryLogConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Owns both connection paths for the life of the process: starts the embedded server when no URL is configured,
 * creates the runtime pool, and shuts them down in order (pool first, then the embedded server).
 *
 * <p>
 * {@link #start(boolean)} blocks (it may start a server) and is called once from start-up code on the main thread.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);

    private final CpdbConfig cpdbConfig;
    private final DatabaseConfig databaseConfig;
    private final InstanceDirectory instance;
    private final io.vertx.core.Vertx vertx;
    private final MeterRegistry registry;
    private final QueryLogConfig queryLogConfig;

    private volatile ConnectionPlan plan;
    private volatile EmbeddedPostgres embedded;
    private volatile RuntimePool runtimePool;
    private volatile Pool pool;
    private volatile DirectConnections direct;
    private volatile QueryLog queryLog;

    public Database(CpdbConfig cpdbConfig, DatabaseConfig databaseConfig, InstanceDirectory instance,
            io.vertx.core.Vertx vertx, MeterRegistry registry, QueryLogConfig queryLogConfig) {
        this.queryLogConfig = queryLogConfig;
        this.cpdbConfig = cpdbConfig;
        this.databaseConfig = databaseConfig;
        this.instance = instance;
        this.vertx = vertx;
        this.registry = registry;
    }

    /**
     * Resolves the configuration and prepares both paths.
     *
     * @param shareRunningEmbedded for one-off commands: use the embedded server of a running cpdb process on the
     *        same instance instead of refusing
     */
    public synchronized void start(boolean shareRunningEmbedded) {
        if (plan != null) {
            return;
        }
        PoolerMode declared = PoolerMode.parse(cpdbConfig.pooler());
        QueryLog log = queryLog(queryLogConfig);
        ConnectionPlan resolved;
        if (databaseConfig.url().filter(text -> !text.isBlank()).isPresent()) {
            resolved = ConnectionPlan.external(databaseConfig, declared, this::askServer);
        } else {
            // Validate everything that does not need the server before starting one.
            ConnectionPlan.poolSettings(databaseConfig, declared == PoolerMode.AUTO ? PoolerMode.NONE : declared);
            ConnectionPlan.embedded(databaseConfig, declared, placeholderUrl());
            EmbeddedPostgres.Settings settings = embeddedSettings();
            embedded = shareRunningEmbedded ? EmbeddedPostgres.attachOrStart(settings)
                    : EmbeddedPostgres.start(settings);
            resolved = ConnectionPlan.embedded(databaseConfig, declared, embedded.url());
        }
        direct = new DirectConnections(resolved.direct(), resolved.pool().applicationName(),
                resolved.pool().connectTimeout(), log);
        ServerEncoding.requireUtf8(direct);
        runtimePool = new RuntimePool(vertx, resolved.runtime(), resolved.pool(),
                ConnectionPlan.transactionSafe(databaseConfig, resolved.pool()), resolved.poolerDecision(), log,
                QueryLog.Path.RUNTIME);
        queryLog = log;
        pool = Pool.newInstance(runtimePool);
        plan = resolved;
        LOG.infof("database mode %s; runtime path %s (pooler %s, %s); direct path %s",
                resolved.mode().settingValue(), resolved.runtime().redacted(), resolved.pooler().settingValue(),
                resolved.pool().simpleProtocol() ? "simple statement protocol"
                        : "prepared-statement cache " + (resolved.pool().cachePreparedStatements() ? "on" : "off"),
                resolved.direct().redacted());
        LOG.infof("pooler %s (CPDB_POOLER=%s, decided from %s): %s", resolved.pooler().settingValue(),
                declared.settingValue(), resolved.poolerDecision().basis().settingValue(),
                resolved.poolerDecision().reason());
    }

    private QueryLog queryLog(QueryLogConfig config) {
        QueryLog.Level level;
        try {
            level = QueryLog.Level.parse(config.level(), "CPDB_QUERY_LOG_LEVEL (cpdb.query-log.level)");
        } catch (IllegalArgumentException e) {
            throw new dev.cpdb.InvalidConfigurationException(e.getMessage());
        }
        if (config.slowThreshold().isNegative()) {
            throw new dev.cpdb.InvalidConfigurationException("CPDB_QUERY_LOG_SLOW_THRESHOLD "
                    + "(cpdb.query-log.slow-threshold) is " + config.slowThreshold() + "; it must not be negative");
        }
        return new QueryLog(level, config.slowThreshold(), registry);
    }

    /**
     * A pool for reads from the streaming replica at {@code url} (one entry of {@code DATABASE_READ_URL}), set up by
     * the runtime path's rules: {@code CPDB_POOLER} and its detection, which asks the replica itself, decide the
     * pooler-safe settings, and a pooler-only error at run time switches to them. Opens no connection until used,
     * except for the detection's question.
     *
     * <p>
     * Blocking (the detection waits for the replica's answer): called from start-up code.
     */
    public RuntimePool replicaPool(DatabaseUrl url) {
        PoolerDecision decision = PoolerDetection.decideForReplica(PoolerMode.parse(cpdbConfig.pooler()), url,
                () -> askServer(url));
        RuntimePoolSettings settings = ConnectionPlan.poolSettings(databaseConfig, decision.mode());
        return new RuntimePool(vertx, url, settings, ConnectionPlan.transactionSafe(databaseConfig, settings),
                decision, queryLog(), QueryLog.Path.REPLICA);
    }

    /** Start-up question to the server behind the runtime URL, with settings any pooler can route. */
    private ServerAnswers askServer(DatabaseUrl runtime) {
        RuntimePoolSettings probeSettings = ConnectionPlan.transactionSafe(databaseConfig,
                ConnectionPlan.poolSettings(databaseConfig, PoolerMode.NONE));
        return PoolerProbe.ask(vertx, RuntimePools.connectOptions(runtime, probeSettings),
                probeSettings.connectTimeout());
    }

    private DatabaseUrl placeholderUrl() {
        return new DatabaseUrl("127.0.0.1", cpdbConfig.embedded().port(), EmbeddedPostgres.DATABASE,
                EmbeddedPostgres.SUPERUSER, "", java.util.Map.of());
    }

    private EmbeddedPostgres.Settings embeddedSettings() {
        int port = cpdbConfig.embedded().port();
        if (port < 1 || port > 65535) {
            throw new dev.cpdb.InvalidConfigurationException(
                    "CPDB_EMBEDDED_PORT (cpdb.embedded.port) is " + port + "; it must be between 1 and 65535");
        }
        int timeout = cpdbConfig.embedded().startTimeoutSeconds();
        if (timeout < 1) {
            throw new dev.cpdb.InvalidConfigurationException(
                    "CPDB_EMBEDDED_START_TIMEOUT_SECONDS (cpdb.embedded.start-timeout-seconds) must be at least 1");
        }
        return new EmbeddedPostgres.Settings(instance.path(), instance.home().resolve("postgresql"), port,
                cpdbConfig.embedded().osUser(), Duration.ofSeconds(timeout));
    }

    /** Whether {@link #start(boolean)} has completed. */
    public boolean started() {
        return plan != null;
    }

    /** The resolved plan of both paths. */
    public ConnectionPlan plan() {
        return require(plan);
    }

    /**
     * What the runtime pool is set up for and why: decided at start-up, changed at run time when an error shows a
     * transaction pooler.
     */
    public PoolerDecision pooler() {
        return require(runtimePool).decision();
    }

    /** Whether cpdb runs on its embedded server. */
    public boolean embedded() {
        return plan().mode() == DatabaseMode.EMBEDDED;
    }

    /** The runtime (reactive) pool. */
    public Pool pool() {
        return require(pool);
    }

    /** Connections of the runtime pool in use and work waiting for one; empty before the start. */
    public Optional<PoolUse> runtimeUse() {
        RuntimePool current = runtimePool;
        return current == null ? Optional.empty() : Optional.of(current.use());
    }

    /** Where both paths time and log their statements; its level can change while the service runs. */
    public QueryLog queryLog() {
        return require(queryLog);
    }

    /** The direct (JDBC) path. */
    public DirectConnections direct() {
        return require(direct);
    }

    /**
     * Direct connections to another server of the same database (a read replica's own address, for a backup that
     * reads there), with the direct path's application name, connect timeout and statement log.
     */
    public DirectConnections directTo(DatabaseUrl url) {
        ConnectionPlan current = plan();
        return new DirectConnections(url, current.pool().applicationName(), current.pool().connectTimeout(),
                queryLog());
    }

    /** Data folder and port of the embedded server, when there is one. */
    public Optional<EmbeddedInfo> embeddedInfo() {
        EmbeddedPostgres server = embedded;
        return server == null ? Optional.empty()
                : Optional.of(new EmbeddedInfo(server.dataDir(), server.port(), server.owned()));
    }

    /** What status reports about the embedded server. */
    public record EmbeddedInfo(Path dataDirectory, int port, boolean ownedByThisProcess) {
    }

    /** Closes the runtime pool, then stops the embedded server if this process started it. */
    @PreDestroy
    synchronized void stop() {
        Pool current = pool;
        pool = null;
        runtimePool = null;
        if (current != null) {
            try {
                current.closeAndAwait();
            } catch (RuntimeException e) {
                LOG.debugf(e, "closing the runtime pool failed");
            }
        }
        EmbeddedPostgres server = embedded;
        embedded = null;
        if (server != null) {
            server.close();
        }
    }

    private static <T> T require(T value) {
        if (value == null) {
            throw new IllegalStateException("the database has not been started");
        }
        return value;
    }
}
