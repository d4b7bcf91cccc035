package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.UndeclaredPoolerResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * PgBouncer in session mode carrying both paths (no {@code DATABASE_MIGRATION_URL}), {@code CPDB_POOLER} unset: the
 * service cannot tell a session pooler from a transaction pooler, so it may take the safe settings, but it must not
 * refuse to start (a session pooler keeps one server connection per client, which migrations and locks need), and
 * concurrent clients see no error and no foreign row.
 */
@QuarkusTest
@TestProfile(SessionPoolerTest.Profile.class)
@RequiresPgBouncer
class SessionPoolerTest {

    /** Session mode needs a server connection per client connection: 8 runtime plus the direct path's few. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("cpdb.admin.token", ApiTestProfiles.ADMIN_TOKEN);
            config.put("cpdb.home", TestFolders.create("cpdb-test-session-home").toString());
            config.put("cpdb.secrets.master-key", ApiTestProfiles.MASTER_KEY);
            config.put("database.pool.max", "8");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UndeclaredPoolerResource.class,
                    Map.of("mode", "session", "serverPoolSize", "20", "migrationUrl", "none")));
        }
    }

    @Test
    void theServiceStartsAndSaysWhyItChoseItsSettings() {
        JsonPath status = Api.operator().get("/api/db/status").then().statusCode(200).extract().jsonPath();

        assertTrue(status.getBoolean("initialized"), status.prettify());
        assertTrue(List.of("transaction", "session", "none").contains(status.getString("pooler")));
        assertTrue(status.getString("poolerReason").contains("port"), status.prettify());
    }

    @Test
    void concurrentCreateThenReadSeesNoErrorAndNoForeignRow() throws Exception {
        CreateThenRead.Result result = new CreateThenRead(8, 4).run();

        assertEquals(List.of(), result.failures(), "failures among " + result.requests() + " requests");
        assertEquals(8 * 4 * 8, result.requests());
    }
}
