package dev.cpdb.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.gaul.s3proxy.S3Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.S3ProxyServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The operator API while the S3 store is down (its server stopped): what the run table knows is still answered,
 * with the store's state named in the body, and only what needs the store's bytes answers 503; nothing answers 500
 * (our design, issue "the catalog depends on the store for what the database knows"). Before the outage, a backup
 * in the store without a run (taken by the command) is listed beside the one taken over HTTP.
 */
@QuarkusTest
@TestProfile(BackupStoreOutageApiTest.Profile.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupStoreOutageApiTest {

    static final String TOKEN = "backup-outage-test-token-0123456789";
    static final String BUCKET = "cpdb-outage";

    /** A bucket on an S3 server of this test's own, which the test stops. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN,
                    "cpdb.backup.target", "s3://" + BUCKET + "/cpdb",
                    "cpdb.backup.s3.endpoint", endpoint().toString(),
                    "cpdb.backup.s3.region", S3ProxyServer.REGION,
                    "cpdb.backup.s3.path-style", "true",
                    "cpdb.backup.s3.access-key-id", S3ProxyServer.ACCESS_KEY_ID,
                    "cpdb.backup.s3.secret-access-key", S3ProxyServer.SECRET_ACCESS_KEY,
                    "cpdb.backup.s3.part-size", "5M");
        }
    }

    private static S3Proxy server;

    private static synchronized URI endpoint() {
        if (server == null) {
            server = S3ProxyServer.startOwn();
            try (S3Client client = S3ProxyServer.client(URI.create("http://127.0.0.1:" + server.getPort())).build()) {
                client.createBucket(request -> request.bucket(BUCKET));
            }
        }
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.stop();
    }

    @Inject
    TestBackups backups;

    @Test
    void withTheStoreDownListAndStatusAnswerFromTheRunTableAndOnlyContentNeedsTheStore() throws Exception {
        String overHttp = given().auth().oauth2(TOKEN).when().post("/api/db/backups").then().statusCode(202)
                .extract().path("backupId");
        awaitCommitted(overHttp);
        String byCommand = backups.take(backups.options().defaultStore(), Compression.ZSTD).backupId();

        Response before = given().auth().oauth2(TOKEN).when().get("/api/db/backups");
        before.then().statusCode(200)
                .body("store.reachable", equalTo(true))
                .body("items.backupId", hasItems(overHttp, byCommand));
        assertEquals("committed", statusIn(before, overHttp));
        assertEquals("committed", statusIn(before, byCommand), "a backup without run is listed from the store");

        server.stop();

        Response list = given().auth().oauth2(TOKEN).when().get("/api/db/backups");
        list.then().statusCode(200)
                .body("store.reachable", equalTo(false))
                .body("store.location", equalTo("s3://" + BUCKET + "/cpdb"))
                .body("store.error", containsString("s3://" + BUCKET + "/cpdb"))
                .body("items.backupId", hasItem(overHttp))
                .body("items.backupId", not(hasItem(byCommand)));
        assertEquals("succeeded", statusIn(list, overHttp), "the run's status stands in for the store's");

        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + overHttp).then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("run.status", equalTo("succeeded"))
                .body("store.reachable", equalTo(false));
        // No run knows it, and the store cannot say: nothing can be answered but that.
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + byCommand).then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", containsString("s3://" + BUCKET + "/cpdb"));
        given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + overHttp + "/content").then().statusCode(503);
        given().auth().oauth2(TOKEN).when().delete("/api/db/backups/" + overHttp).then().statusCode(503);
        given().auth().oauth2(TOKEN).when().post("/api/db/backups/" + overHttp + "/verify").then().statusCode(503);
    }

    private static String statusIn(Response list, String id) {
        List<Map<String, Object>> items = list.path("items");
        return items.stream().filter(item -> id.equals(item.get("backupId"))).map(item -> (String) item.get("status"))
                .findFirst().orElseThrow();
    }

    private static void awaitCommitted(String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            if (response.statusCode() == 200 && "committed".equals(response.path("status"))) {
                return;
            }
            if (response.statusCode() == 200 && "failed".equals(response.path("status"))) {
                throw new AssertionError("backup failed: " + response.asString());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("backup " + id + " did not reach committed");
    }
}
