package dev.cpdb.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.testing.CoreMigrationFiles;
import dev.cpdb.testing.EmbeddedModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The zero-configuration default: no DATABASE_URL, so the service runs its own PostgreSQL, migrates it and reports
 * itself ready.
 */
@QuarkusTest
@TestProfile(EmbeddedModeProfile.class)
class EmbeddedDefaultTest {

    @Inject
    InstanceDirectory instance;

    @Test
    void statusReportsEmbeddedModeWithItsDataFolderAndAMigratedSchema() throws Exception {
        String password = Files.readString(instance.path().resolve("db.password")).strip();

        String token = Files.readString(instance.path().resolve("admin-token")).strip();

        String body = given().auth().oauth2(token).when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("configured", equalTo(true))
                .body("initialized", equalTo(true))
                .body("dialect", equalTo("postgresql"))
                .body("ready", equalTo(true))
                .body("mode", equalTo("embedded"))
                .body("pooler", equalTo("none"))
                .body("runtime.host", equalTo("127.0.0.1"))
                .body("runtime.database", equalTo("cpdb"))
                .body("runtime.reachable", equalTo(true))
                .body("direct.reachable", equalTo(true))
                .body("serverVersion", startsWith("17."))
                .body("migrations.pending", equalTo(0))
                .body("migrations.currentVersion", equalTo(CoreMigrationFiles.latest()))
                .body("embedded.dataDirectory", equalTo(instance.path().resolve("db").toString()))
                .body("embedded.ownedByThisProcess", equalTo(true))
                .extract().asString();

        org.junit.jupiter.api.Assertions.assertFalse(body.contains(password), "status must never show credentials");
        org.junit.jupiter.api.Assertions.assertTrue(Files.isDirectory(Path.of(instance.path().toString(), "db")));
    }

    @Test
    void anonymousCallersGetOnlyWhatASetupCheckNeeds() {
        Map<String, Object> body = given().when().get("/api/db/status")
                .then()
                .statusCode(200)
                .extract().jsonPath().getMap("");

        assertEquals(Map.of("configured", true, "initialized", true, "dialect", "postgresql", "ready", true), body);
    }

    @Test
    void aTokenThatIsNotTheOperatorsGetsTheSetupViewToo() {
        given().auth().oauth2("not-the-operator-token-0123456789").when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("ready", equalTo(true))
                .body("mode", equalTo(null))
                .body("embedded", equalTo(null));
    }

    @Test
    void allThreeProbesAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("database"))
                .body("checks[0].data.runtime", equalTo("UP"))
                .body("checks[0].data.direct", equalTo("UP"))
                .body("checks[0].data.migrations", equalTo("applied"))
                .body("checks[0].data.secretsMasterKey", equalTo("UP"));
    }

    @Test
    void livenessNeverMentionsTheDatabase() {
        given().when().get("/q/health/live").then().body(not(containsString("database")));
    }

    @Test
    void unknownPathsAnswerAProblemBody() {
        given().when().get("/api/does-not-exist")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"))
                .body("detail", containsString("README"));
    }

    @Test
    void aWrongMethodAnswersAProblemBody() {
        given().when().delete("/api/db/status")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("status", equalTo(405));
    }

    @Test
    void theOpenApiDocumentDescribesTheStatusEndpoint() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/api/db/status"));
    }
}
