package dev.cpdb.database;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.cpdb.InvalidConfigurationException;

/**
 * What sits between the runtime pool and PostgreSQL, which decides how the runtime pool may talk to it.
 */
public enum PoolerMode {
    /** A direct connection to PostgreSQL. */
    NONE,
    /** A pooler that hands out a server connection per transaction (PgBouncer/Supavisor transaction mode). */
    TRANSACTION,
    /** A pooler that hands out a server connection per client session; behaves like a direct connection. */
    SESSION,
    /** Decide at start-up from the runtime URL and from what the server says (see {@link PoolerDetection}). */
    AUTO;

    /** Ports that transaction poolers listen on by convention: PgBouncer 6432, Supavisor/Supabase 6543. */
    static final Set<Integer> POOLER_PORTS = Set.of(6432, 6543);

    private static final String[] POOLER_HOST_WORDS = { "pgbouncer", "pooler", "supavisor", "pgcat", "odyssey",
            "pgdog" };

    /**
     * Parses the {@code CPDB_POOLER} setting.
     *
     * @throws InvalidConfigurationException naming the accepted values
     */
    public static PoolerMode parse(String value) {
        String normalized = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        for (PoolerMode mode : values()) {
            if (mode.name().equals(normalized)) {
                return mode;
            }
        }
        throw new InvalidConfigurationException("CPDB_POOLER (cpdb.pooler) is '" + value + "'; accepted values are "
                + String.join(", ", Arrays.stream(values()).map(PoolerMode::settingValue).toList()));
    }

    /**
     * Resolves {@link #AUTO} against the runtime endpoint's address alone; other modes are returned as they are. An
     * address that does not look like a pooler proves nothing: {@link PoolerDetection} asks the server then.
     */
    public PoolerMode resolve(DatabaseEndpoint runtime) {
        if (this != AUTO) {
            return this;
        }
        return conventionalPoolerAddress("DATABASE_URL", runtime).isPresent() ? TRANSACTION : NONE;
    }

    /** The value as written in configuration. */
    public String settingValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Why the endpoint's port or host name says "transaction pooler", if it does.
     *
     * @param setting the variable the endpoint comes from, as the reason names it
     */
    static Optional<String> conventionalPoolerAddress(String setting, DatabaseEndpoint endpoint) {
        if (POOLER_PORTS.contains(endpoint.port())) {
            return Optional.of(setting + " uses port " + endpoint.port() + ", a transaction pooler's conventional "
                    + "port");
        }
        String host = endpoint.host().toLowerCase(Locale.ROOT);
        for (String word : POOLER_HOST_WORDS) {
            if (host.contains(word)) {
                return Optional.of(setting + "'s host name " + endpoint.host() + " names a pooler (" + word + ")");
            }
        }
        return Optional.empty();
    }
}
