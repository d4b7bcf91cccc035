package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cpdb.InvalidConfigurationException;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Pooler decisions. The required switches behind a transaction pooler come from what was verified against PgBouncer
 * 1.18 (prepared-statement cache off and layer-7-proxy mode on; either alone fails).
 */
class ConnectionPlanTest {

    @ParameterizedTest(name = "auto on {0}:{1} resolves to {2}")
    @CsvSource({
            "db.internal, 5432, NONE",
            "db.internal, 6432, TRANSACTION",
            "db.internal, 6543, TRANSACTION",
            "pgbouncer.default.svc, 5432, TRANSACTION",
            "aws-0-eu-west-1.pooler.supabase.com, 5432, TRANSACTION",
            "my-supavisor, 5432, TRANSACTION",
            "127.0.0.1, 54329, NONE",
    })
    void autoModeFollowsPortAndHostName(String host, int port, PoolerMode expected) {
        assertEquals(expected, PoolerMode.AUTO.resolve(new DatabaseEndpoint(host, port, "db", "u")));
    }

    @Test
    void explicitModesAreKeptWhateverTheUrlLooksLike() {
        DatabaseEndpoint pooledLooking = new DatabaseEndpoint("pgbouncer", 6432, "db", "u");
        assertEquals(PoolerMode.NONE, PoolerMode.NONE.resolve(pooledLooking));
        assertEquals(PoolerMode.SESSION, PoolerMode.SESSION.resolve(pooledLooking));
    }

    @Test
    void poolerSettingIsParsedCaseInsensitivelyAndRefusedWithTheAcceptedValues() {
        assertEquals(PoolerMode.TRANSACTION, PoolerMode.parse(" Transaction "));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> PoolerMode.parse("statement"));
        assertTrue(e.getMessage().contains("CPDB_POOLER"), e.getMessage());
        assertTrue(e.getMessage().contains("none, transaction, session, auto"), e.getMessage());
    }

    @Test
    void aTransactionPoolerTurnsOffTheStatementCacheAndTurnsOnLayer7Mode() {
        ConnectionPlan plan = external(
                config("postgres://u:p@pgbouncer:6432/db", "postgres://u:p@postgres:5432/db"), PoolerMode.AUTO);

        assertEquals(PoolerMode.TRANSACTION, plan.pooler());
        assertFalse(plan.pool().cachePreparedStatements());
        assertTrue(plan.pool().layer7Proxy());
        assertTrue(plan.pool().simpleProtocol(), "one round trip per statement behind a transaction pooler");
        assertEquals("pgbouncer", plan.runtime().host());
        assertEquals("postgres", plan.direct().host());

        PgConnectOptions options = RuntimePools.connectOptions(plan.runtime(), plan.pool());
        assertFalse(options.getCachePreparedStatements());
        assertTrue(options.getUseLayer7Proxy());
        assertEquals("UTC", options.getProperties().get("TimeZone"));
        assertEquals("ISO, MDY", options.getProperties().get("DateStyle"),
                "PgBouncer re-sends SET DateStyle before transactions unless the client sets it at start-up");
        assertEquals("cpdb", options.getProperties().get("application_name"));
    }

    @Test
    void aDirectDatabaseKeepsTheStatementCache() {
        ConnectionPlan plan = external(config("postgres://u:p@db:5432/app", null), PoolerMode.AUTO);

        assertEquals(PoolerMode.NONE, plan.pooler());
        assertTrue(plan.pool().cachePreparedStatements());
        assertFalse(plan.pool().layer7Proxy());
        assertFalse(plan.pool().simpleProtocol(), "cached statements already take one round trip");
        assertEquals(plan.runtime(), plan.direct(), "the direct path defaults to DATABASE_URL");
    }

    @Test
    void theDefaultPoolIsLargerBehindATransactionPoolerThanAgainstPostgresItself() {
        assertEquals(40, external(
                config("postgres://u:p@pgbouncer:6432/db", "postgres://u:p@postgres:5432/db"), PoolerMode.AUTO)
                .pool().maxSize());
        assertEquals(10, external(config("postgres://u:p@db:5432/app", null), PoolerMode.AUTO)
                .pool().maxSize());
        assertEquals(10, external(config("postgres://u:p@db:5432/app", null), PoolerMode.SESSION)
                .pool().maxSize());
        assertEquals(7, external(
                config("postgres://u:p@pgbouncer:6432/db", "postgres://u:p@postgres:5432/db").withPoolMax(7),
                PoolerMode.AUTO).pool().maxSize(), "an explicit size wins");
    }

    @Test
    void theStatementProtocolCanBeChosenExplicitly() {
        TestDatabaseConfig pooled = config("postgres://u:p@pgbouncer:6432/db", "postgres://u:p@postgres:5432/db");
        assertFalse(external(pooled.withStatementProtocol("extended"), PoolerMode.AUTO).pool()
                .simpleProtocol());
        assertTrue(external(config("postgres://u:p@db:5432/app", null).withStatementProtocol(" Simple"),
                PoolerMode.AUTO).pool().simpleProtocol());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> external(pooled.withStatementProtocol("binary"), PoolerMode.AUTO));
        assertTrue(e.getMessage().contains("DATABASE_STATEMENT_PROTOCOL"), e.getMessage());
        assertTrue(e.getMessage().contains("auto, simple or extended"), e.getMessage());
    }

    @Test
    void aSessionPoolerBehavesLikeADirectConnection() {
        ConnectionPlan plan = external(config("postgres://u:p@db:5432/app", null), PoolerMode.SESSION);

        assertTrue(plan.pool().cachePreparedStatements());
        assertFalse(plan.pool().layer7Proxy());
    }

    @Test
    void theStatementCacheTogetherWithATransactionPoolerIsRefused() {
        TestDatabaseConfig config = config("postgres://u:p@db:6432/app", "postgres://u:p@db:5432/app")
                .withCachePreparedStatements(true);

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> external(config, PoolerMode.AUTO));
        assertTrue(e.getMessage().contains("DATABASE_CACHE_PREPARED_STATEMENTS"), e.getMessage());
    }

    @Test
    void aTransactionPoolerWithoutADirectMigrationUrlIsRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> external(config("postgres://u:p@db:6543/app", null), PoolerMode.AUTO));

        assertTrue(e.getMessage().contains("DATABASE_MIGRATION_URL"), e.getMessage());
        assertTrue(e.getMessage().contains("CPDB_POOLER=none"), "auto detection can be overridden: " + e.getMessage());
    }

    @Test
    void declaringNoPoolerOverridesTheAutoDetection() {
        ConnectionPlan plan = external(config("postgres://u:p@db:6432/app", null), PoolerMode.NONE);

        assertEquals(PoolerMode.NONE, plan.pooler());
    }

    @Test
    void aMalformedMigrationUrlNamesItsOwnVariable() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> external(config("postgres://u:p@db/app", "postgres://u:p@db:x/app"),
                        PoolerMode.AUTO));

        assertTrue(e.getMessage().startsWith("DATABASE_MIGRATION_URL"), e.getMessage());
    }

    @Test
    void aMigrationUrlWithoutARuntimeUrlIsRefusedInEmbeddedMode() {
        DatabaseUrl server = new DatabaseUrl("127.0.0.1", 54329, "cpdb", "cpdb", "pw", java.util.Map.of());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConnectionPlan.embedded(config(null, "postgres://u:p@db/app"), PoolerMode.AUTO, server));
        assertTrue(e.getMessage().contains("DATABASE_URL is not"), e.getMessage());
    }

    @Test
    void poolKnobsOutsideTheirRangeAreRefusedWithTheVariableName() {
        assertRefused(config("postgres://u:p@db/app", null).withPoolMax(0), "DATABASE_POOL_MAX");
        assertRefused(config("postgres://u:p@db/app", null).withPoolMax(5000), "DATABASE_POOL_MAX");
        assertRefused(config("postgres://u:p@db/app", null).withConnectTimeout(Duration.ZERO),
                "DATABASE_CONNECT_TIMEOUT");
        assertRefused(config("postgres://u:p@db/app", null).withIdleTimeout(Duration.ofSeconds(-1)),
                "DATABASE_POOL_IDLE_TIMEOUT");
        assertRefused(config("postgres://u:p@db/app", null).withApplicationName(" "), "DATABASE_APPLICATION_NAME");
    }

    @Test
    void poolKnobsReachThePool() {
        ConnectionPlan plan = external(config("postgres://u:p@db/app", null).withPoolMax(33)
                .withApplicationName("control-plane"), PoolerMode.AUTO);

        assertEquals(33, plan.pool().maxSize());
        assertEquals("control-plane", plan.pool().applicationName());
    }

    @Test
    void sslModesKeepTheirLibpqMeaningOnTheRuntimePath() {
        RuntimePoolSettings settings = ConnectionPlan.poolSettings(config("postgres://u:p@db/app", null),
                PoolerMode.NONE);

        PgConnectOptions require = RuntimePools.connectOptions(
                DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@db/app?sslmode=require"), settings);
        assertTrue(require.isTrustAll(), "require encrypts without verifying the server, as in libpq");

        PgConnectOptions verifyFull = RuntimePools.connectOptions(
                DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@db/app?sslmode=verify-full"), settings);
        assertFalse(verifyFull.isTrustAll());
        assertEquals("HTTPS", verifyFull.getHostnameVerificationAlgorithm());
    }

    private static void assertRefused(TestDatabaseConfig config, String variable) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> external(config, PoolerMode.AUTO));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }

    /** A plan whose server, when asked, answers like PostgreSQL reached directly on the dialled port. */
    private static ConnectionPlan external(DatabaseConfig config, PoolerMode declared) {
        return ConnectionPlan.external(config, declared, PoolerDetectionTest::directServer);
    }

    private static TestDatabaseConfig config(String url, String migrationUrl) {
        return new TestDatabaseConfig(Optional.ofNullable(url), Optional.ofNullable(migrationUrl), Optional.empty(),
                Duration.ofMinutes(5), Duration.ofSeconds(10), "cpdb", Duration.ofSeconds(10), Optional.empty(),
                "auto");
    }

    /** A plain implementation of the configuration interface, so the rules can be tested without a container. */
    record TestDatabaseConfig(Optional<String> url, Optional<String> migrationUrl, Optional<Integer> poolMax,
            Duration poolIdleTimeout, Duration poolAcquireTimeout, String applicationName, Duration connectTimeout,
            Optional<Boolean> cachePreparedStatements, String statementProtocol) implements DatabaseConfig {

        @Override
        public Pool pool() {
            return new Pool() {
                @Override
                public Optional<Integer> max() {
                    return poolMax;
                }

                @Override
                public Duration idleTimeout() {
                    return poolIdleTimeout;
                }

                @Override
                public Duration acquireTimeout() {
                    return poolAcquireTimeout;
                }

                @Override
                public Duration maxLifetime() {
                    return Duration.ofMinutes(5);
                }
            };
        }

        @Override
        public Read read() {
            throw new UnsupportedOperationException("the connection plan does not read the replicas' settings");
        }

        TestDatabaseConfig withPoolMax(int value) {
            return new TestDatabaseConfig(url, migrationUrl, Optional.of(value), poolIdleTimeout, poolAcquireTimeout,
                    applicationName, connectTimeout, cachePreparedStatements, statementProtocol);
        }

        TestDatabaseConfig withIdleTimeout(Duration value) {
            return new TestDatabaseConfig(url, migrationUrl, poolMax, value, poolAcquireTimeout, applicationName,
                    connectTimeout, cachePreparedStatements, statementProtocol);
        }

        TestDatabaseConfig withConnectTimeout(Duration value) {
            return new TestDatabaseConfig(url, migrationUrl, poolMax, poolIdleTimeout, poolAcquireTimeout,
                    applicationName, value, cachePreparedStatements, statementProtocol);
        }

        TestDatabaseConfig withApplicationName(String value) {
            return new TestDatabaseConfig(url, migrationUrl, poolMax, poolIdleTimeout, poolAcquireTimeout, value,
                    connectTimeout, cachePreparedStatements, statementProtocol);
        }

        TestDatabaseConfig withCachePreparedStatements(boolean value) {
            return new TestDatabaseConfig(url, migrationUrl, poolMax, poolIdleTimeout, poolAcquireTimeout,
                    applicationName, connectTimeout, Optional.of(value), statementProtocol);
        }

        TestDatabaseConfig withStatementProtocol(String value) {
            return new TestDatabaseConfig(url, migrationUrl, poolMax, poolIdleTimeout, poolAcquireTimeout,
                    applicationName, connectTimeout, cachePreparedStatements, value);
        }
    }
}
