package dev.cpdb.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Off the embedded default, the secrets master key must come from the configuration, and the database remembers
 * which key its secrets use: two instances on one database with two {@code CPDB_HOME} folders, as two pods with
 * their own {@code emptyDir}, run with the packaged jar.
 */
class MasterKeyOnExternalDatabaseIT {

    static final String TOKEN = "operator-token-for-master-key-tests-0123";
    static final String OTHER_KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anExternalDatabaseWithoutAConfiguredKeyIsRefusedBeforeAnythingChanges() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("nokey");
        Path home = TestFolders.create("cpdb-nokey-home");
        Map<String, String> env = environment(database, home, FreePorts.next(), null);

        CpdbProcess refused = CpdbProcess.run(env);

        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("CPDB_SECRETS_MASTER_KEY ("), refused.stderr());
        assertTrue(refused.stderr().contains("CPDB_SECRETS_MASTER_KEY_FILE"), refused.stderr());
        try (Stream<Path> files = Files.walk(home)) {
            assertFalse(files.anyMatch(file -> file.getFileName().toString().equals(MasterKey.FILE_NAME)),
                    "no key was generated");
        }
        assertNull(text(database, "SELECT to_regclass('public.flyway_schema_history')::text"),
                "refused before migrating");
    }

    @Test
    void aReplicaWithAnotherKeyReportsNotReadyAndTheSameKeyReadsTheOtherReplicasSecrets() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("twokeys");
        int portA = FreePorts.next();
        String secretId;
        try (CpdbProcess first = CpdbProcess.start(environment(database, TestFolders.create("cpdb-pod-a"), portA,
                ApiTestProfiles.MASTER_KEY))) {
            first.awaitHttp200(portA, "/q/health/ready", Duration.ofSeconds(90));
            String companyId = post(portA, "/api/companies", "{\"name\":\"Keys\",\"issuePrefix\":\"KEYS\"}")
                    .get("id").asText();
            secretId = post(portA, "/api/companies/" + companyId + "/secrets",
                    "{\"name\":\"API_TOKEN\",\"value\":\"written-through-pod-a\"}").get("id").asText();

            Path otherHome = TestFolders.create("cpdb-pod-b");
            int portB = FreePorts.next();
            try (CpdbProcess wrongKey = CpdbProcess.start(environment(database, otherHome, portB, OTHER_KEY))) {
                wrongKey.awaitHttp200(portB, "/q/health/started", Duration.ofSeconds(90));
                HttpResponse<String> ready = get(portB, "/q/health/ready", null);
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("is not the one this database's secrets use"), ready.body());
                assertTrue(ready.body().contains("CPDB_SECRETS_MASTER_KEY"), ready.body());
                assertEquals(false, json.readTree(get(portB, "/api/db/status", null).body()).get("ready")
                        .asBoolean());
                assertTrue(wrongKey.stdout().contains("reports not ready until it restarts with that key"),
                        wrongKey.stdout());
                HttpResponse<String> unreadable = get(portB, "/api/secrets/" + secretId + "/value", TOKEN);
                assertEquals(503, unreadable.statusCode(), unreadable.body());
                assertTrue(unreadable.body().contains("was encrypted with the master key"), unreadable.body());
                assertEquals("30", unreadable.headers().firstValue("Retry-After").orElse(null));
            }

            int portC = FreePorts.next();
            try (CpdbProcess sameKey = CpdbProcess.start(environment(database, otherHome, portC,
                    ApiTestProfiles.MASTER_KEY))) {
                sameKey.awaitHttp200(portC, "/q/health/ready", Duration.ofSeconds(90));
                HttpResponse<String> value = get(portC, "/api/secrets/" + secretId + "/value", TOKEN);
                assertEquals(200, value.statusCode(), value.body());
                assertTrue(value.body().contains("written-through-pod-a"), value.body());
            }
        }
        assertEquals("1", text(database, "SELECT count(*) FROM public.secrets_master_key"));
    }

    private static Map<String, String> environment(DatabaseUrl database, Path home, int port, String key) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", TestPostgres.libpq(database));
        env.put("CPDB_HOME", home.toString());
        env.put("CPDB_ADMIN_TOKEN", TOKEN);
        env.put("CPDB_BACKUP_ENABLED", "false");
        env.put("CPDB_BACKUP_VERIFY_SCHEDULE", "off");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        if (key != null) {
            env.put("CPDB_SECRETS_MASTER_KEY", key);
        }
        return env;
    }

    private JsonNode post(int port, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    private static HttpResponse<String> get(int port, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(DatabaseUrl database, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
