package dev.cpdb.database;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cpdb.database.simple.SimpleProtocolPool;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Builds the runtime (reactive) pool from a URL and resolved pool settings.
 */
public final class RuntimePools {

    /**
     * Sent as a start-up parameter so PgBouncer, which tracks DateStyle per client, does not re-send a
     * {@code SET DateStyle} before nearly every transaction.
     */
    static final String DATE_STYLE = "ISO, MDY";

    /** The encoding runtime connections exchange text in. */
    static final String CLIENT_ENCODING = "UTF8";

    private RuntimePools() {
    }

    /** Connection options for the runtime path; exposed for tests of the pooler-safety switches. */
    public static PgConnectOptions connectOptions(DatabaseUrl url, RuntimePoolSettings settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("application_name", url.option("application_name").orElse(settings.applicationName()));
        properties.put("DateStyle", DATE_STYLE);
        // Setting the properties replaces the driver's defaults, client_encoding among them; without it a database or
        // role with another client_encoding would make the server convert text the pool reads as UTF-8.
        properties.put("client_encoding", CLIENT_ENCODING);
        // Timestamps come back as text in the simple protocol; UTC keeps them the same as binary results.
        properties.put("TimeZone", "UTC");
        PgConnectOptions options = new PgConnectOptions()
                .setHost(url.host())
                .setPort(url.port())
                .setDatabase(url.database())
                .setUser(url.user())
                .setPassword(url.password())
                .setCachePreparedStatements(settings.cachePreparedStatements())
                .setUseLayer7Proxy(settings.layer7Proxy())
                .setProperties(properties);
        int connectTimeoutMillis = url.option("connect_timeout")
                .map(seconds -> Integer.parseInt(seconds) * 1000)
                .filter(millis -> millis > 0)
                .orElse((int) settings.connectTimeout().toMillis());
        options.setConnectTimeout(connectTimeoutMillis);
        applyTls(options, url);
        return options;
    }

    /**
     * The pool {@link #create(Vertx, DatabaseUrl, RuntimePoolSettings)} makes, its statements timed and logged by
     * {@code log} with the templates the code wrote, as taking {@code path}.
     */
    public static Pool create(Vertx vertx, DatabaseUrl url, RuntimePoolSettings settings,
            dev.cpdb.database.querylog.QueryLog log, dev.cpdb.database.querylog.QueryLog.Path path) {
        return dev.cpdb.database.querylog.ObservedPool.wrap(create(vertx, url, settings), log, path);
    }

    /** Creates the pool on the service's Vert.x instance; no connection is opened until first use. */
    public static Pool create(Vertx vertx, DatabaseUrl url, RuntimePoolSettings settings) {
        PoolOptions poolOptions = new PoolOptions()
                .setName("cpdb-runtime")
                .setMaxSize(settings.maxSize())
                .setIdleTimeout((int) settings.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
                .setConnectionTimeout((int) settings.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setMaxLifetime((int) settings.maxLifetime().toSeconds())
                .setMaxLifetimeUnit(java.util.concurrent.TimeUnit.SECONDS);
        Pool pool = PgBuilder.pool()
                .with(poolOptions)
                .connectingTo(connectOptions(url, settings))
                .using(vertx)
                .build();
        return settings.simpleProtocol() ? SimpleProtocolPool.wrap(pool) : pool;
    }

    /** Maps libpq's sslmode onto the reactive client, keeping libpq's meaning of each mode. */
    private static void applyTls(PgConnectOptions options, DatabaseUrl url) {
        String mode = url.sslMode();
        options.setSslMode(SslMode.of(mode));
        switch (mode) {
            case "allow", "prefer", "require" -> options.setTrustAll(true);
            case "verify-ca", "verify-full" -> {
                url.option("sslrootcert").ifPresent(file -> options.setPemTrustOptions(
                        new PemTrustOptions().addCertPath(file)));
                options.setHostnameVerificationAlgorithm(mode.equals("verify-full") ? "HTTPS" : "");
            }
            default -> {
                // disable: nothing to configure
            }
        }
    }
}
