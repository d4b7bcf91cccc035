package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.PoolerDecision.Basis;

/**
 * The auto decision from what the server says. The evidence comes from how PostgreSQL reports a connection
 * ({@code pg_backend_pid()}, {@code inet_server_addr()}, {@code inet_server_port()}, the {@code port} setting) and from
 * how a transaction pooler hands server connections to clients; the rule that anything uncertain gets the safe
 * settings is our design.
 */
class PoolerDetectionTest {

    private static final DatabaseUrl LOCALHOST = DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@localhost:5432/db");

    @Test
    void aServerThatConfirmsTheDialledAddressAndKeepsItsBackendsIsDirect() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), answers(
                backend(0, 101, "127.0.0.1", 5432), backend(1, 102, "127.0.0.1", 5432),
                backend(1, 102, "127.0.0.1", 5432), backend(0, 101, "127.0.0.1", 5432)));

        assertEquals(PoolerMode.NONE, decision.mode());
        assertEquals(Basis.SERVER_CONFIRMED, decision.basis());
        assertTrue(decision.reason().contains("localhost:5432"), decision.reason());
    }

    @Test
    void aServerListeningOnAnotherPortThanTheDialledOneGetsTheSafeSettings() {
        DatabaseUrl pooler = DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@localhost:40123/db");

        PoolerDecision decision = decide(pooler, Optional.empty(), answers(
                backend(0, 101, "127.0.0.1", 5432), backend(1, 102, "127.0.0.1", 5432),
                backend(1, 102, "127.0.0.1", 5432), backend(0, 101, "127.0.0.1", 5432)));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertEquals(Basis.SERVER_SUSPECTED, decision.basis());
        assertTrue(decision.reason().contains("port 5432 while cpdb dialled port 40123"), decision.reason());
        assertTrue(decision.reason().contains("CPDB_POOLER=none or session"), decision.reason());
    }

    @Test
    void aUnixSocketClientBehindATcpAddressGetsTheSafeSettings() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), answers(
                backend(0, 101, null, null), backend(1, 102, null, null),
                backend(1, 102, null, null), backend(0, 101, null, null)));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertTrue(decision.reason().contains("Unix-socket"), decision.reason());
    }

    @Test
    void aServerOnAnotherAddressThanTheDialledHostGetsTheSafeSettings() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), answers(
                backend(0, 101, "10.1.2.3", 5432), backend(1, 102, "10.1.2.3", 5432),
                backend(1, 102, "10.1.2.3", 5432), backend(0, 101, "10.1.2.3", 5432)));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertTrue(decision.reason().contains("10.1.2.3, which is not an address of localhost"), decision.reason());
    }

    @Test
    void oneClientConnectionServedByTwoBackendsIsATransactionPooler() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), answers(
                backend(0, 101, "127.0.0.1", 5432), backend(1, 102, "127.0.0.1", 5432),
                backend(1, 101, "127.0.0.1", 5432), backend(0, 102, "127.0.0.1", 5432)));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertEquals(Basis.SERVER_CERTAIN, decision.basis());
        assertTrue(decision.transactionPoolerCertain());
        assertTrue(decision.reason().contains("served by backends 101 and 102"), decision.reason());
    }

    @Test
    void twoClientConnectionsServedByOneBackendAreATransactionPooler() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), answers(
                backend(0, 101, "127.0.0.1", 5432), backend(1, 101, "127.0.0.1", 5432),
                backend(1, 101, "127.0.0.1", 5432), backend(0, 101, "127.0.0.1", 5432)));

        assertEquals(Basis.SERVER_CERTAIN, decision.basis());
        assertTrue(decision.reason().contains("same backend (pid 101)"), decision.reason());
    }

    @Test
    void differentRuntimeAndMigrationAddressesGetTheSafeSettings() {
        DatabaseUrl migration = DatabaseUrl.parse("DATABASE_MIGRATION_URL", "postgres://u:p@localhost:5433/db");

        PoolerDecision decision = decide(LOCALHOST, Optional.of(migration), directServer(LOCALHOST));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertEquals(Basis.SERVER_SUSPECTED, decision.basis());
        assertTrue(decision.reason().contains("DATABASE_MIGRATION_URL (localhost:5433)"), decision.reason());
    }

    @Test
    void aServerThatCannotBeAskedGetsTheSafeSettings() {
        PoolerDecision decision = decide(LOCALHOST, Optional.empty(), ServerAnswers.failed("Connection refused"));

        assertEquals(PoolerMode.TRANSACTION, decision.mode());
        assertEquals(Basis.UNASKED, decision.basis());
        assertTrue(decision.reason().contains("Connection refused"), decision.reason());
    }

    @Test
    void aReplicasReasonsNameTheSettingItsAddressComesFrom() {
        DatabaseUrl replica = DatabaseUrl.parse("DATABASE_READ_URL", "postgres://u:p@replica-pooler:5432/db");

        PoolerDecision byAddress = PoolerDetection.decideForReplica(PoolerMode.AUTO, replica,
                () -> directServer(LOCALHOST));
        PoolerDecision unasked = PoolerDetection.decideForReplica(PoolerMode.AUTO,
                DatabaseUrl.parse("DATABASE_READ_URL", "postgres://u:p@localhost:5433/db"),
                () -> ServerAnswers.failed("Connection refused"));

        assertEquals("DATABASE_READ_URL's host name replica-pooler names a pooler (pooler)", byAddress.reason());
        assertTrue(unasked.reason().startsWith("PostgreSQL could not be asked through DATABASE_READ_URL "),
                unasked.reason());
        assertFalse(byAddress.reason().contains("DATABASE_URL") || unasked.reason().contains("DATABASE_URL"));
    }

    @Test
    void theServerIsNotAskedWhenTheSettingOrTheAddressDecides() {
        AtomicInteger asked = new AtomicInteger();
        PoolerDecision declared = PoolerDetection.decide(PoolerMode.NONE, LOCALHOST, Optional.empty(), () -> {
            asked.incrementAndGet();
            return directServer(LOCALHOST);
        });
        PoolerDecision conventional = PoolerDetection.decide(PoolerMode.AUTO,
                DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@db:6432/app"), Optional.empty(), () -> {
                    asked.incrementAndGet();
                    return directServer(LOCALHOST);
                });

        assertEquals(0, asked.get());
        assertEquals(Basis.DECLARED, declared.basis());
        assertEquals(PoolerMode.NONE, declared.mode());
        assertEquals(Basis.ADDRESS, conventional.basis());
        assertEquals(PoolerMode.TRANSACTION, conventional.mode());
    }

    @Test
    void aSuspectedPoolerWithoutMigrationUrlStartsWithTheSafeSettingsButACertainOneIsRefused() {
        ConnectionPlanTest.TestDatabaseConfig config = new ConnectionPlanTest.TestDatabaseConfig(
                Optional.of("postgres://u:p@localhost:40123/db"), Optional.empty(), Optional.empty(),
                Duration.ofMinutes(5), Duration.ofSeconds(10), "cpdb", Duration.ofSeconds(10), Optional.empty(),
                "auto");

        ConnectionPlan suspected = ConnectionPlan.external(config, PoolerMode.AUTO, url -> answers(
                backend(0, 101, "127.0.0.1", 5432), backend(1, 102, "127.0.0.1", 5432),
                backend(1, 102, "127.0.0.1", 5432), backend(0, 101, "127.0.0.1", 5432)));
        assertEquals(PoolerMode.TRANSACTION, suspected.pooler());
        assertFalse(suspected.pool().cachePreparedStatements());
        assertTrue(suspected.pool().layer7Proxy());
        assertEquals(suspected.runtime(), suspected.direct(), "a session pooler may carry the direct path");

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConnectionPlan.external(config, PoolerMode.AUTO, url -> answers(
                        backend(0, 101, "127.0.0.1", 5432), backend(1, 101, "127.0.0.1", 5432),
                        backend(1, 101, "127.0.0.1", 5432), backend(0, 101, "127.0.0.1", 5432))));
        assertTrue(e.getMessage().contains("DATABASE_MIGRATION_URL is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("same backend"), e.getMessage());
    }

    @Test
    void theSwitchAtRunTimeKeepsTheSizeAndTurnsOnEverySafetySetting() {
        ConnectionPlanTest.TestDatabaseConfig config = new ConnectionPlanTest.TestDatabaseConfig(
                Optional.of("postgres://u:p@localhost:5432/db"), Optional.empty(), Optional.of(12),
                Duration.ofMinutes(5), Duration.ofSeconds(10), "cpdb", Duration.ofSeconds(10), Optional.of(true),
                "auto");
        RuntimePoolSettings direct = ConnectionPlan.poolSettings(config, PoolerMode.NONE);

        RuntimePoolSettings safe = ConnectionPlan.transactionSafe(config, direct);

        assertTrue(direct.cachePreparedStatements());
        assertEquals(12, safe.maxSize());
        assertFalse(safe.cachePreparedStatements());
        assertTrue(safe.layer7Proxy());
        assertTrue(safe.simpleProtocol());
        assertTrue(safe.transactionPoolerSafe());
    }

    /** Answers of PostgreSQL reached directly at {@code url}'s host and port. */
    static ServerAnswers directServer(DatabaseUrl url) {
        String address;
        try {
            address = InetAddress.getByName(url.host()).getHostAddress();
        } catch (UnknownHostException e) {
            address = "192.0.2.1";
        }
        return answers(backend(0, 101, address, url.port()), backend(1, 102, address, url.port()),
                backend(1, 102, address, url.port()), backend(0, 101, address, url.port()));
    }

    private static PoolerDecision decide(DatabaseUrl runtime, Optional<DatabaseUrl> migration,
            ServerAnswers answers) {
        return PoolerDetection.decide(PoolerMode.AUTO, runtime, migration, () -> answers);
    }

    private static ServerAnswers answers(ServerAnswers.Backend... backends) {
        return new ServerAnswers(List.of(backends), null);
    }

    private static ServerAnswers.Backend backend(int connection, int pid, String address, Integer port) {
        return new ServerAnswers.Backend(connection, pid, address, port, port == null ? 5432 : port);
    }
}
