package dev.cpdb.status;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ExternalPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The connection figures of {@code GET /api/db/status} and {@code /q/metrics} move with the connections really
 * opened: the runtime pool's use and queue, the direct path's open connections, and the server's client
 * connections by owner.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
@TestProfile(ExternalDatabaseTest.WithToken.class)
class ConnectionFiguresTest {

    /** Longer than the probe's reuse of its last result, so a fresh probe is seen. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    Database database;

    @Inject
    StatusService statusService;

    @Test
    void serverFiguresCountOtherClientsAndCpdbSeparately() throws Exception {
        JsonPath before = status();
        long othersBefore = before.getLong("connections.server.others");
        assertTrue(before.getInt("connections.server.maxConnections") > 0, before.prettify());
        assertTrue(before.getLong("connections.server.cpdb") >= 1, "at least the probe's own direct connection");

        List<Connection> others = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                others.add(open("someone-else"));
            }
            JsonPath during = awaitStatus(s -> s.getLong("connections.server.others") >= othersBefore + 3);
            assertTrue(during.getDouble("connections.server.used") > 0, during.prettify());
        } finally {
            for (Connection connection : others) {
                connection.close();
            }
        }
        awaitStatus(s -> s.getLong("connections.server.others") <= othersBefore);
    }

    @Test
    void directConnectionsHeldByTheProcessAreCounted() throws Exception {
        int before = database.direct().inUse();
        try (Connection first = database.direct().open(); Connection second = database.direct().open()) {
            assertEquals(before + 2, database.direct().inUse());
            JsonPath during = status();
            assertTrue(during.getInt("connections.directInUse") >= before + 2, during.prettify());
            second.close();
            assertEquals(before + 1, database.direct().inUse(), "a second close counts once");
        }
        assertEquals(before, database.direct().inUse());
    }

    @Test
    void runtimePoolInUseAndWaitingFollowHeldTransactions() throws Exception {
        int size = database.plan().pool().maxSize();
        Pool pool = database.pool();
        // One direct connection holds an advisory lock; every runtime transaction waits for it, so the figures are
        // read while all of them hold (or wait for) a connection.
        try (Connection lock = database.direct().open(); Statement statement = lock.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(727001)");
            for (int i = 0; i < size + 2; i++) {
                pool.withTransaction(connection -> connection
                        .query("SELECT pg_advisory_xact_lock_shared(727001)").execute().replaceWith(new Object()))
                        .subscribe().with(item -> {
                        }, failure -> {
                        });
            }
            JsonPath during = awaitStatus(s -> s.getInt("connections.runtimePool.inUse") == size
                    && s.getInt("connections.runtimePool.waiting") >= 2);
            assertEquals(size, during.getInt("connections.runtimePool.size"));
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metric(metrics, "cpdb_runtime_pool_in_use") == size, metrics);
            assertTrue(metric(metrics, "cpdb_runtime_pool_waiting") >= 1, metrics);
            statement.execute("SELECT pg_advisory_unlock(727001)");
        }
        awaitStatus(s -> s.getInt("connections.runtimePool.inUse") <= 1
                && s.getInt("connections.runtimePool.waiting") == 0);
    }

    @Test
    void metricsShowTheServerFiguresOfTheLastProbe() {
        status();
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metric(metrics, "cpdb_server_connections_max") > 0, metrics);
        assertTrue(metric(metrics, "cpdb_server_connections{owner=\"cpdb\"}") >= 1, metrics);
        assertTrue(metrics.contains("cpdb_direct_connections_in_use"), metrics);
    }

    @Test
    void metricsKeepHttpServerMetersAndLeaveOutPerConnectionSqlClientMeters() {
        status();
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("http_server_requests_seconds_count"), metrics);
        assertFalse(metrics.contains("clientType=\"sql\""), metrics);
    }

    @Test
    void anonymousCallersSeeNoConnectionFigures() {
        JsonPath anonymous = given().when().get("/api/db/status").then().statusCode(200).extract().jsonPath();
        assertNull(anonymous.get("connections"));
    }

    @Test
    void theStatusCommandLeavesOutThePoolThatServesNoTrafficButShowsTheServer() {
        DatabaseStatus command = statusService.commandStatus().await().atMost(PATIENCE);

        assertNull(command.connections().runtimePool());
        assertNotNull(command.connections().server());
        assertTrue(command.connections().server().maxConnections() > 0);
    }

    private JsonPath status() {
        return given().auth().oauth2(ExternalDatabaseTest.WithToken.TOKEN).when().get("/api/db/status")
                .then().statusCode(200).extract().jsonPath();
    }

    private JsonPath awaitStatus(Predicate<JsonPath> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonPath last = status();
        while (!condition.test(last)) {
            assertTrue(System.nanoTime() < deadline, "status never showed the expected figures: " + last.prettify());
            Thread.sleep(200);
            last = status();
        }
        return last;
    }

    private Connection open(String applicationName) throws Exception {
        DatabaseUrl url = database.plan().direct();
        Properties properties = new Properties();
        properties.setProperty("user", url.user());
        properties.setProperty("password", url.password());
        properties.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + url.host() + ":" + url.port() + "/" + url.database(), properties);
    }

    /** The value of the first sample line of {@code name} (with labels, if given) in a Prometheus page. */
    private static double metric(String page, String name) {
        for (String line : page.lines().toList()) {
            if (line.startsWith(name + " ") || (line.startsWith(name + "{") && !name.contains("{"))
                    || (name.contains("{") && line.startsWith(name.substring(0, name.length() - 1)))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " not in the metrics page");
    }
}
