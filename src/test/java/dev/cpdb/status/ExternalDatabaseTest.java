package dev.cpdb.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.secret.MasterKey;
import dev.cpdb.testing.CoreMigrationFiles;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * DATABASE_URL pointing at an existing PostgreSQL: no embedded server, migrations applied there over the direct
 * path.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
@TestProfile(ExternalDatabaseTest.WithToken.class)
class ExternalDatabaseTest {

    /** An operator token, for the full status. */
    public static class WithToken implements QuarkusTestProfile {

        static final String TOKEN = "operator-token-for-external-tests-0123";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN);
        }
    }

    @Inject
    Database database;

    @Inject
    MasterKey masterKey;

    @Test
    void statusReportsExternalModeWithoutAnEmbeddedSection() {
        given().auth().oauth2(WithToken.TOKEN).when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("mode", equalTo("external"))
                .body("pooler", equalTo("none"))
                .body("initialized", equalTo(true))
                .body("runtime.port", equalTo(TestPostgres.url().port()))
                .body("direct.port", equalTo(TestPostgres.url().port()))
                .body("embedded", equalTo(null));
    }

    @Test
    void anonymousStatusNamesNoHostPortOrDatabase() {
        String body = given().when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("initialized", equalTo(true))
                .body("ready", equalTo(true))
                .extract().asString();

        assertFalse(body.contains(Integer.toString(TestPostgres.url().port())), body);
        assertFalse(body.contains(database.plan().direct().database()), body);
    }

    @Test
    void theDatabaseRecordsTheMasterKeyFingerprintAtStartUp() throws Exception {
        try (Connection connection = TestPostgres.connect(database.plan().direct());
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT fingerprint FROM public.secrets_master_key")) {
            assertTrue(rs.next(), "one fingerprint recorded");
            assertEquals(masterKey.fingerprint(), rs.getString(1));
        }
    }

    @Test
    void coreMigrationsWereAppliedOnceEach() throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(database.plan().direct());
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        assertEquals(CoreMigrationFiles.versions(), versions);
    }

    @Test
    void theCompaniesTableExists() {
        Long count = database.pool().query("SELECT count(*) FROM public.companies").execute()
                .await().indefinitely().iterator().next().getLong(0);
        assertEquals(0L, count);
    }
}
