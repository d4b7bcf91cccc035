package dev.cpdb.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Anonymous status requests in bulk cannot exhaust the database: against a server with {@code max_connections=40},
 * 80 concurrent status calls (with readiness probes and backups health checks, anonymous too) share one probe each,
 * so cpdb's direct connections stay at a small fixed bound while operators' API calls keep answering (a probe per call would need 80 direct connections at once,
 * twice what the server allows).
 */
@QuarkusTest
@TestProfile(StatusFloodTest.Flood.class)
@QuarkusTestResource(value = StatusFloodTest.SmallServer.class, restrictToAnnotatedClass = true)
class StatusFloodTest {

    /**
     * The database probe and the backups check each hold at most one direct connection at a time, and a closing
     * backend may still be listed for a moment.
     */
    static final int DIRECT_CONNECTION_BOUND = 3;
    static final int CONCURRENT_CALLS = 80;
    static final String TOKEN = "operator-token-for-status-flood-0123";

    /** The operator token and the direct path's application name the test counts by. */
    public static class Flood implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN, "database.application-name", "cpdb-flood");
        }
    }

    /** A PostgreSQL server of its own with {@code max_connections=40}. */
    public static class SmallServer implements QuarkusTestResourceLifecycleManager {

        static volatile DatabaseUrl url;
        private EmbeddedPostgres server;

        @Override
        public Map<String, String> start() {
            EmbeddedPostgres.Settings settings = new EmbeddedPostgres.Settings(
                    TestFolders.create("cpdb-flood-pg").resolve("instance"), TestFolders.distributions(),
                    FreePorts.next(), "cpdb", Duration.ofSeconds(60));
            EmbeddedPostgres first = EmbeddedPostgres.start(settings);
            TestPostgres.execute(first.url(), "ALTER SYSTEM SET max_connections = 40");
            first.close();
            server = EmbeddedPostgres.start(settings);
            url = TestPostgres.createDatabase(server, "flood");
            return Map.of("database.url", TestPostgres.libpq(url));
        }

        @Override
        public void stop() {
            if (server != null) {
                server.close();
            }
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theServerReallyAllowsOnlyFortyConnections() throws SQLException {
        assertEquals("40", queryText("SHOW max_connections"));
    }

    @Test
    void eightyConcurrentAnonymousStatusCallsKeepDirectConnectionsBoundedAndTheApiAnswering() throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger peak = new AtomicInteger();
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> watchDirectConnections(flooding, peak));
        List<Integer> operatorStatuses = new ArrayList<>();
        try {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < CONCURRENT_CALLS; i++) {
                    calls.add(http.sendAsync(request("/api/db/status").build(), HttpResponse.BodyHandlers.ofString()));
                }
                for (int i = 0; i < 20; i++) {
                    calls.add(http.sendAsync(request("/q/health/ready").build(), HttpResponse.BodyHandlers.ofString()));
                    calls.add(http.sendAsync(request("/q/health/group/backups").build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                operatorStatuses.add(send(request("/api/companies").header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"name\":\"Flood " + round + "\",\"issuePrefix\":\"FL" + (char) ('A' + round)
                                        + "\"}"))));
                operatorStatuses.add(send(request("/api/companies").header("Authorization", "Bearer " + TOKEN).GET()));
                for (CompletableFuture<HttpResponse<String>> call : calls) {
                    HttpResponse<String> response = call.get();
                    if (response.uri().getPath().equals("/q/health/group/backups")) {
                        // Its verdict depends on where the test's folders live; here only its connections count.
                        assertTrue(response.body().contains("\"backups\""), response.body());
                        continue;
                    }
                    assertEquals(200, response.statusCode(), response.body());
                    if (response.uri().getPath().equals("/api/db/status")) {
                        assertEquals(Map.of("configured", true, "initialized", true, "dialect", "postgresql",
                                "ready", true), json.readValue(response.body(), Map.class));
                    }
                }
            }
        } finally {
            flooding.set(false);
            watcher.get();
        }

        assertEquals(List.of(201, 200, 201, 200, 201, 200), operatorStatuses);
        assertTrue(peak.get() >= 1, "the watcher saw the probe's connection at least once");
        assertTrue(peak.get() <= DIRECT_CONNECTION_BOUND, "peak of cpdb's direct connections: " + peak.get());
    }

    private void watchDirectConnections(AtomicBoolean flooding, AtomicInteger peak) {
        try (Connection connection = TestPostgres.connect(SmallServer.url);
                Statement statement = connection.createStatement()) {
            while (flooding.get()) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cpdb-flood-direct'")) {
                    rows.next();
                    peak.accumulateAndGet(rows.getInt(1), Math::max);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String queryText(String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(SmallServer.url);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
    }

    private int send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }
}
