package dev.cpdb.database;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import dev.cpdb.InvalidConfigurationException;

/**
 * The decided shape of both connection paths: where runtime and direct connections go, what sits in front of the
 * runtime one, and how the runtime pool must behave there.
 *
 * <p>
 * Built from configuration before any connection is opened, so every refusal happens at start-up with a message
 * naming the setting to change.
 */
public record ConnectionPlan(DatabaseMode mode, DatabaseUrl runtime, DatabaseUrl direct, PoolerMode pooler,
        RuntimePoolSettings pool, PoolerDecision poolerDecision) {

    static final int MAX_POOL_SIZE = 1000;
    /** Default runtime pool size against PostgreSQL itself or a session pooler. */
    static final int POOL_MAX_DIRECT = 10;
    /** Default runtime pool size behind a transaction pooler (measured with bench/runtime-api.sh). */
    static final int POOL_MAX_BEHIND_TRANSACTION_POOLER = 40;

    /** Whether the service runs on its own embedded server or an external one. */
    public enum DatabaseMode {
        EMBEDDED,
        EXTERNAL;

        public String settingValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Plan for an external database given by {@code DATABASE_URL} (and optionally {@code DATABASE_MIGRATION_URL}).
     *
     * @param ask asks the server through the runtime URL when {@code CPDB_POOLER=auto} needs its answer (see
     *        {@link PoolerDetection})
     */
    public static ConnectionPlan external(DatabaseConfig config, PoolerMode declaredPooler,
            Function<DatabaseUrl, ServerAnswers> ask) {
        String runtimeText = config.url().orElseThrow(
                () -> new InvalidConfigurationException("DATABASE_URL is not set"));
        DatabaseUrl runtime = DatabaseUrl.parse("DATABASE_URL", runtimeText);
        Optional<DatabaseUrl> migration = config.migrationUrl()
                .filter(text -> !text.isBlank())
                .map(text -> DatabaseUrl.parse("DATABASE_MIGRATION_URL", text));
        // Validate the pool knobs before anything is dialled.
        poolSettings(config, PoolerMode.NONE);
        PoolerDecision decision = PoolerDetection.decide(declaredPooler, runtime, migration, () -> ask.apply(runtime));
        if (decision.transactionPoolerCertain() && migration.isEmpty()) {
            throw new InvalidConfigurationException(decision.reason() + ", but DATABASE_MIGRATION_URL is not set: "
                    + "migrations, backups and locks need a direct (or session-pooled) connection. Set "
                    + "DATABASE_MIGRATION_URL to the database's direct address"
                    + (declaredPooler == PoolerMode.AUTO ? ", or set CPDB_POOLER=none if this is not a pooler" : ""));
        }
        return new ConnectionPlan(DatabaseMode.EXTERNAL, runtime, migration.orElse(runtime), decision.mode(),
                poolSettings(config, decision.mode()), decision);
    }

    /**
     * Plan for the embedded server: both paths go straight to it.
     */
    public static ConnectionPlan embedded(DatabaseConfig config, PoolerMode declaredPooler, DatabaseUrl server) {
        if (config.migrationUrl().filter(text -> !text.isBlank()).isPresent()) {
            throw new InvalidConfigurationException(
                    "DATABASE_MIGRATION_URL is set but DATABASE_URL is not: set both for an external database, "
                            + "or neither for the embedded one");
        }
        PoolerDecision decision = PoolerDetection.embedded(declaredPooler);
        return new ConnectionPlan(DatabaseMode.EMBEDDED, server, server, decision.mode(),
                poolSettings(config, decision.mode()), decision);
    }

    /**
     * The settings a pool of {@code current}'s size needs behind a transaction pooler, for a switch at run time:
     * statement cache off, layer-7 mode on, and the statement protocol {@code DATABASE_STATEMENT_PROTOCOL} asks for
     * behind a transaction pooler.
     */
    static RuntimePoolSettings transactionSafe(DatabaseConfig config, RuntimePoolSettings current) {
        return new RuntimePoolSettings(current.maxSize(), current.idleTimeout(), current.acquireTimeout(),
                current.connectTimeout(), current.applicationName(), false, true, simpleProtocol(config, true),
                current.maxLifetime());
    }

    /** Validates the runtime pool knobs and applies the pooler-safety rules. */
    static RuntimePoolSettings poolSettings(DatabaseConfig config, PoolerMode pooler) {
        boolean transactionPooler = pooler == PoolerMode.TRANSACTION;
        int max = config.pool().max().orElse(transactionPooler ? POOL_MAX_BEHIND_TRANSACTION_POOLER : POOL_MAX_DIRECT);
        if (max < 1 || max > MAX_POOL_SIZE) {
            throw new InvalidConfigurationException(
                    "DATABASE_POOL_MAX (database.pool.max) is " + max + "; it must be between 1 and " + MAX_POOL_SIZE);
        }
        requirePositive("DATABASE_CONNECT_TIMEOUT (database.connect-timeout)", config.connectTimeout());
        requirePositive("DATABASE_POOL_ACQUIRE_TIMEOUT (database.pool.acquire-timeout)",
                config.pool().acquireTimeout());
        if (config.pool().idleTimeout().isNegative()) {
            throw new InvalidConfigurationException(
                    "DATABASE_POOL_IDLE_TIMEOUT (database.pool.idle-timeout) must not be negative (0 keeps connections)");
        }
        String applicationName = config.applicationName().strip();
        if (applicationName.isEmpty() || applicationName.length() > 50
                || !applicationName.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new InvalidConfigurationException("DATABASE_APPLICATION_NAME (database.application-name) must be "
                    + "1 to 50 printable ASCII characters");
        }
        Optional<Boolean> cacheSetting = config.cachePreparedStatements();
        if (transactionPooler && cacheSetting.orElse(false)) {
            throw new InvalidConfigurationException("DATABASE_CACHE_PREPARED_STATEMENTS=true cannot be used with a "
                    + "transaction pooler (CPDB_POOLER resolved to transaction): cached statements would be run on "
                    + "other clients' server connections. Remove the setting or set it to false");
        }
        boolean cache = cacheSetting.orElse(!transactionPooler);
        requirePositive("DATABASE_POOL_MAX_LIFETIME (database.pool.max-lifetime)", config.pool().maxLifetime());
        return new RuntimePoolSettings(max, config.pool().idleTimeout(), config.pool().acquireTimeout(),
                config.connectTimeout(), applicationName, cache, transactionPooler,
                simpleProtocol(config, transactionPooler), config.pool().maxLifetime());
    }

    private static boolean simpleProtocol(DatabaseConfig config, boolean transactionPooler) {
        return switch (config.statementProtocol().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> transactionPooler;
            case "simple" -> true;
            case "extended" -> false;
            default ->
                throw new InvalidConfigurationException("DATABASE_STATEMENT_PROTOCOL (database.statement-protocol) "
                        + "is '" + config.statementProtocol() + "'; use auto, simple or extended");
        };
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationException(name + " must be a positive duration such as 10s");
        }
    }
}
