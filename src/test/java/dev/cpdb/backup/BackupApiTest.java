package dev.cpdb.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** The operator API for backups: start, follow, list, download, verify, delete; authentication and bad input. */
@QuarkusTest
@TestProfile(BackupApiTest.Profile.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupApiTest {

    static final String TOKEN = "backup-api-test-token-0123456789";

    /** An operator token and a private backup folder; no schedule. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN,
                    "cpdb.backup.target", TestFolders.create("cpdb-api-backups").toString());
        }
    }

    @Inject
    Database database;

    @Test
    void everyBackupEndpointNeedsTheOperatorToken() {
        given().when().post("/api/db/backups").then().statusCode(401);
        given().when().get("/api/db/backups").then().statusCode(401);
        given().auth().oauth2("wrong-token-0123456789").when().get("/api/db/backups").then().statusCode(401);
    }

    @Test
    void aBackupStartedOverHttpCommitsAndCanBeListedDownloadedVerifiedAndDeleted() throws Exception {
        Response started = given().auth().oauth2(TOKEN).when().post("/api/db/backups");
        started.then().statusCode(202).body("status", equalTo("running")).body("statusUrl", notNullValue());
        String id = started.path("backupId");

        awaitStatus(id, "committed");
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id)
                .then().statusCode(200)
                .body("run.status", equalTo("succeeded"))
                .body("run.trigger", equalTo("api"))
                .body("manifest.backupId", equalTo(id));
        given().auth().oauth2(TOKEN).when().get("/api/db/backups")
                .then().statusCode(200).body("items.backupId", hasItem(id));

        byte[] content = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id + "/content")
                .then().statusCode(200).extract().asByteArray();
        long size = ((Number) given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id)
                .path("manifest.data.bytes")).longValue();
        assertEquals(size, content.length);

        String drill = given().auth().oauth2(TOKEN).when().post("/api/db/backups/" + id + "/verify")
                .then().statusCode(202).extract().path("verifyRunId");
        awaitVerify(id, drill);

        given().auth().oauth2(TOKEN).when().delete("/api/db/backups/" + id).then().statusCode(204);
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id).then().statusCode(200)
                .body("status", equalTo("succeeded"));
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id + "/content").then().statusCode(404);
    }

    @Test
    void aSecondBackupWhileOneRunsIsRefusedWith409NamingTheRunningOne() throws Exception {
        // Another replica holds the lease: its run shows in the conflict answer.
        try (Connection connection = database.direct().open();
                PreparedStatement lease = connection.prepareStatement(
                        "INSERT INTO public.backup_lease (name, holder, run_id, acquired_at, expires_at) VALUES ('backup', "
                                + "'other-replica', '20260101T000000Z-abcdef', now(), now() + interval '1 minute')")) {
            lease.executeUpdate();
        }
        try {
            given().auth().oauth2(TOKEN).when().post("/api/db/backups")
                    .then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("runningBackupId", equalTo("20260101T000000Z-abcdef"));
        } finally {
            try (Connection connection = database.direct().open()) {
                connection.createStatement().execute("DELETE FROM public.backup_lease");
            }
        }
    }

    @Test
    void badIdsAndLimitsAreClientErrors() {
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/not-an-id").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/20200101T000000Z-000000").then().statusCode(404);
        given().auth().oauth2(TOKEN).when().delete("/api/db/backups/20200101T000000Z-000000").then()
                .statusCode(404);
        given().auth().oauth2(TOKEN).when().get("/api/db/backups?limit=0").then().statusCode(400);
        given().auth().oauth2(TOKEN).when().get("/api/db/backups?limit=1000").then().statusCode(400);
        given().auth().oauth2(TOKEN).when().get("/api/db/backups?before=yesterday").then().statusCode(400);
    }

    @Test
    void theListIsPaginatedNewestFirst() throws Exception {
        String first = given().auth().oauth2(TOKEN).when().post("/api/db/backups").path("backupId");
        awaitStatus(first, "committed");
        Thread.sleep(1100); // ids have second resolution
        String second = given().auth().oauth2(TOKEN).when().post("/api/db/backups").path("backupId");
        awaitStatus(second, "committed");

        Response page = given().auth().oauth2(TOKEN).when().get("/api/db/backups?limit=1");
        page.then().statusCode(200).body("items[0].backupId", equalTo(second)).body("next", equalTo(second));
        given().auth().oauth2(TOKEN).when().get("/api/db/backups?limit=1&before=" + second)
                .then().statusCode(200).body("items[0].backupId", equalTo(first));
    }

    private static void awaitStatus(String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            if (response.statusCode() == 200 && status.equals(response.path("status"))) {
                return;
            }
            if (response.statusCode() == 200 && "failed".equals(response.path("status"))) {
                throw new AssertionError("backup failed: " + response.asString());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("backup " + id + " did not reach " + status);
    }

    private static void awaitVerify(String id, String drill) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            String status = response.path("lastVerify.status");
            if (drill.equals(response.path("lastVerify.id")) && "succeeded".equals(status)) {
                return;
            }
            if ("failed".equals(status)) {
                throw new AssertionError("restore drill failed: " + response.asString());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("restore drill " + drill + " did not finish");
    }
}
