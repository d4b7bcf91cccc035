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
 * PgBouncer in transaction mode on a random port, reached as {@code localhost}, with {@code CPDB_POOLER} unset: the
 * address looks like nothing in particular, so the service must learn from PostgreSQL itself that something sits in
 * between (the server reports its own port, not the one dialled) and take the pooler-safe settings. Then concurrent
 * clients creating and reading companies and issues see no error and no foreign row, which the statement cache behind
 * a transaction pooler would cause (SQLSTATE 42P05/26000, another client's statement run under a cached name).
 */
@QuarkusTest
@TestProfile(UndeclaredTransactionPoolerTest.Profile.class)
@RequiresPgBouncer
class UndeclaredTransactionPoolerTest {

    /** The service behind an undeclared PgBouncer; forty runtime connections share its two server connections. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("cpdb.admin.token", ApiTestProfiles.ADMIN_TOKEN);
            config.put("cpdb.home", TestFolders.create("cpdb-test-undeclared-home").toString());
            config.put("cpdb.secrets.master-key", ApiTestProfiles.MASTER_KEY);
            config.put("database.pool.max", "40");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UndeclaredPoolerResource.class));
        }
    }

    @Test
    void statusSaysTheSafeSettingsWereChosenAndWhy() {
        JsonPath status = Api.operator().get("/api/db/status").then().statusCode(200).extract().jsonPath();

        assertEquals("transaction", status.getString("pooler"));
        // Either the backends seen by the two probe connections or the server's own port gives PgBouncer away.
        String reason = status.getString("poolerReason");
        assertTrue(reason.contains("while cpdb dialled port") || reason.contains("a transaction pooler sits in front"),
                status.prettify());
    }

    @Test
    void concurrentCreateThenReadSeesNoErrorAndNoForeignRow() throws Exception {
        CreateThenRead.Result result = new CreateThenRead(16, 4).run();

        assertEquals(List.of(), result.failures(), "failures among " + result.requests() + " requests");
        assertEquals(16 * 4 * 8, result.requests());
    }
}
