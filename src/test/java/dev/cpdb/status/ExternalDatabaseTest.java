package dev.cpdb.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.testing.CoreMigrationFiles;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * DATABASE_URL pointing at an existing PostgreSQL: no embedded server, migrations applied there over the direct
 * path.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class ExternalDatabaseTest {

    @Inject
    Database database;

    @Test
    void statusReportsExternalModeWithoutAnEmbeddedSection() {
        given().when().get("/api/db/status")
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
