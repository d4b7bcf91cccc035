package dev.cpdb.settings;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.database.querylog.QueryLog;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.DirectSql;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Instance settings over the API: ranges refused with 400, environment precedence, sensitive values encrypted at
 * rest and never shown, and changes applied live, also when made by another replica (which writes the same rows and
 * moves the same version number).
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class SettingsApiTest {

    @Inject
    Database database;

    @AfterEach
    void backToDefaults() throws Exception {
        execute("UPDATE public.instance_settings SET value = NULL, secret_value = NULL; "
                + "UPDATE public.instance_settings_version SET version = version + 1");
        awaitLevel(QueryLog.Level.OFF);
    }

    @Test
    void everySettingIsListedWithItsTypeRangeDefaultAndSource() {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings").then().statusCode(200)
                .body("find { it.key == 'query-log.level' }.type", equalTo("choice"))
                .body("find { it.key == 'query-log.level' }.defaultValue", equalTo("off"))
                .body("find { it.key == 'query-log.level' }.source", equalTo("default"))
                .body("find { it.key == 'query-log.level' }.editable", equalTo(true))
                .body("find { it.key == 'query-log.level' }.environmentVariable", equalTo("CPDB_QUERY_LOG_LEVEL"));
    }

    @Test
    void aChangeAppliesAtOnceAndIsStored() throws Exception {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": \"all\"}")
                .when().patch("/api/settings/query-log.level").then().statusCode(200)
                .body("value", equalTo("all")).body("source", equalTo("database"));

        assertEquals(QueryLog.Level.ALL, database.queryLog().level());
        assertEquals("all", query("SELECT value FROM public.instance_settings WHERE key = 'query-log.level'"));

        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": null}")
                .when().patch("/api/settings/query-log.level").then().statusCode(200)
                .body("value", equalTo("off")).body("source", equalTo("default"));
        assertEquals(QueryLog.Level.OFF, database.queryLog().level());

        // Both changes are in the instance's activity log, newest first, by an operator.
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when()
                .get("/api/activity?action=instance_setting.changed&limit=2").then().statusCode(200)
                .body("items[0].details.key", equalTo("query-log.level"))
                .body("items[0].details.from", equalTo("all")).body("items[0].details.to", equalTo("off"))
                .body("items[0].details.reset", equalTo(true))
                .body("items[0].actorType", equalTo("operator"))
                .body("items[0].companyId", nullValue())
                .body("items[1].details.to", equalTo("all"));
    }

    @Test
    void aChangeMadeByAnotherReplicaIsAppliedWithoutRestart() throws Exception {
        execute("UPDATE public.instance_settings SET value = 'slow', updated_by = 'operator' "
                + "WHERE key = 'query-log.level'; UPDATE public.instance_settings_version SET version = version + 1");

        awaitLevel(QueryLog.Level.SLOW);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings/query-log.level").then()
                .statusCode(200).body("value", equalTo("slow"));
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheRange() {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"value\": \"loud\"}")
                .when().patch("/api/settings/query-log.level").then().statusCode(400)
                .body("detail", containsString("use one of off, slow, all, with-values"));
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": [1]}")
                .when().patch("/api/settings/query-log.level").then().statusCode(400);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"other\": 1}")
                .when().patch("/api/settings/query-log.level").then().statusCode(400)
                .body("detail", containsString("accepted fields: value"));
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{}")
                .when().patch("/api/settings/query-log.level").then().statusCode(400)
                .body("detail", containsString("\"value\""));
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": 1}")
                .when().patch("/api/settings/no.such-setting").then().statusCode(404);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings/no.such-setting").then()
                .statusCode(404);
        assertEquals(QueryLog.Level.OFF, database.queryLog().level());
    }

    @Test
    void whatTheEnvironmentSetsIsShownAndReadOnly() {
        // The test profile sets cpdb.query-log.slow-threshold as the environment would.
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings/query-log.slow-threshold")
                .then().statusCode(200).body("source", equalTo("environment")).body("editable", equalTo(false))
                .body("value", equalTo("750ms"));
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": \"1s\"}")
                .when().patch("/api/settings/query-log.slow-threshold").then().statusCode(409)
                .body("detail", containsString("CPDB_QUERY_LOG_SLOW_THRESHOLD"));
    }

    @Test
    void aSensitiveValueIsEncryptedAtRestAndNeverShown() throws Exception {
        String token = "token-value-kept-secret-42";
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"value\": \"" + token + "\"}")
                .when().patch("/api/settings/" + SensitiveTestSetting.KEY).then().statusCode(200)
                .body("value", nullValue()).body("isSet", equalTo(true)).body("sensitive", equalTo(true));

        assertNull(query("SELECT value FROM public.instance_settings WHERE key = '" + SensitiveTestSetting.KEY + "'"));
        byte[] sealed = bytes("SELECT secret_value FROM public.instance_settings WHERE key = '"
                + SensitiveTestSetting.KEY + "'");
        assertNotNull(sealed);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(token), "not stored in clear");
        String listing = given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings").then()
                .statusCode(200).extract().asString();
        assertFalse(listing.contains(token), listing);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"value\": \"short\"}")
                .when().patch("/api/settings/" + SensitiveTestSetting.KEY).then().statusCode(400)
                .body("detail", containsString("at least 8 characters"));
        String trail = given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when()
                .get("/api/activity?action=instance_setting.changed").then().statusCode(200).extract().asString();
        assertTrue(trail.contains(SensitiveTestSetting.KEY), trail);
        assertFalse(trail.contains(token), "the trail never holds a sensitive value: " + trail);
        assertArrayEquals(sealed, bytes("SELECT secret_value FROM public.instance_settings WHERE key = '"
                + SensitiveTestSetting.KEY + "'"), "a refused change leaves the stored value");
    }

    @Inject
    dev.cpdb.backup.BackupScheduler backupScheduler;

    @Inject
    dev.cpdb.backup.retention.BackupRetention retention;

    @Test
    void theRunningSchedulerAndRetentionPickUpChangedBackupSettings() throws Exception {
        // application.properties turns drills off for tests: that is the value in force until one is stored.
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings/backup.verify-schedule").then()
                .statusCode(200).body("value", equalTo("off")).body("source", equalTo("default"));
        assertTrue(backupScheduler.verifySchedule().isEmpty());

        patch("backup.verify-schedule", "\"30d\"", 200);
        patch("backup.retention.days", "30", 200);

        assertEquals(java.time.Duration.ofDays(30),
                backupScheduler.verifySchedule().orElseThrow().period(java.time.Instant.now()));
        assertEquals(30, retention.policy().days());

        patch("backup.schedule", "\"every tuesday\"", 400);
        patch("backup.retention.days", "-1", 400);
        assertEquals(30, retention.policy().days());

        // Back to what application.properties says, as another replica would see it.
        execute("UPDATE public.instance_settings SET value = NULL WHERE key LIKE 'backup.%'; "
                + "UPDATE public.instance_settings_version SET version = version + 1");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (backupScheduler.verifySchedule().isPresent() || retention.policy().days() != 7) {
            assertTrue(System.nanoTime() < deadline, "the scheduler never went back to its defaults");
            Thread.sleep(100);
        }
    }

    @Inject
    dev.cpdb.backup.BackupOptions backups;

    @Test
    void theNextBackupUsesChangedCompressionJobsAndOwnership() {
        patch("backup.compression", "\"gzip\"", 200);
        patch("backup.compression-level", "\"4\"", 200);
        patch("backup.jobs", "3", 200);
        patch("backup.owners-and-privileges", "true", 200);

        assertEquals(dev.cpdb.backup.engine.Compression.GZIP, backups.defaultCompression());
        assertEquals(4, backups.compressionLevel(backups.defaultCompression()));
        assertEquals(3, backups.defaultJobs());
        assertTrue(backups.defaultOwnersAndPrivileges());

        patch("backup.jobs", "17", 400);
        patch("backup.compression-level", "\"23\"", 400);
        patch("backup.compression", "\"lz4\"", 400);
        assertEquals(3, backups.defaultJobs());
    }

    @Test
    void theBodyLimitChangesWithoutRestart() {
        String body = "{\"name\": \"" + "n".repeat(1500) + "\", \"code\": \"LIM\"}";
        patch("api.max-body-size", "\"1K\"", 200);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body(body)
                .when().post("/api/companies").then().statusCode(413);

        patch("api.max-body-size", "\"5M\"", 400);
        patch("api.max-body-size", "null", 200);
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body(body)
                .when().post("/api/companies").then().statusCode(org.hamcrest.Matchers.not(413));
    }

    @Test
    void strictModeSetByTheEnvironmentIsReadOnly() {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).when().get("/api/settings/secrets.strict-mode").then()
                .statusCode(200).body("value", equalTo("true")).body("source", equalTo("environment"));
        patch("secrets.strict-mode", "false", 409);
    }

    @Test
    void scheduledBackupsCannotBeTurnedOnLiveIntoAPodFolder() {
        // External database, no CPDB_BACKUP_TARGET: the start-up rule holds for live changes too.
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"value\": true}")
                .when().patch("/api/settings/backup.enabled").then().statusCode(409)
                .body("detail", containsString("CPDB_BACKUP_TARGET"));
        assertTrue(backupScheduler.backupSchedule().isEmpty());
    }

    @Test
    void aChangeIsHeldToTheLimitsOfEveryOtherRequestBody() {
        // Our own limits (FreeFormJson, CPDB_API_MAX_BODY_SIZE) and the strict JSON policy, as for agent bodies.
        patchBody("{\"value\": " + "[".repeat(20) + "]".repeat(20) + "}", 400,
                "nests objects and arrays deeper than 16 levels");
        patchBody("{\"value\": " + "[".repeat(5000) + "]".repeat(5000) + "}", 400, "nesting depth");
        patchBody("{\"value\": \"sl\\u0000ow\"}", 400, "NUL character");
        patchBody("{\"value\": \"\\ud800\"}", 400, "lone UTF-16 surrogate");
        patchBody("{\"value\": \"" + "x".repeat(300_000) + "\"}", 400, "at most " + dev.cpdb.api.FreeFormJson.MAX_BYTES
                + " are allowed");
        patchBody("{\"value\": \"all\", \"value\": \"slow\"}", 400, "Duplicate field 'value'");
        patchBody("{\"value\": \"all\"} {}", 400, "more text after its JSON value");
        patchBody("{\"value\": 1e999}", 400, "too large");
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"value\": \"" + "x".repeat(1_100_000) + "\"}")
                .when().patch("/api/settings/query-log.level").then().statusCode(413)
                .contentType("application/problem+json").body("detail", containsString("CPDB_API_MAX_BODY_SIZE"));
        assertEquals(QueryLog.Level.OFF, database.queryLog().level());
    }

    private void patchBody(String body, int status, String detail) {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON).body(body)
                .when().patch("/api/settings/query-log.level").then().statusCode(status)
                .contentType("application/problem+json").body("detail", containsString(detail));
    }

    private void patch(String key, String json, int status) {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"value\": " + json + "}")
                .when().patch("/api/settings/" + key).then().statusCode(status);
    }

    @Inject
    SettingsCommands.SetCommand setCommand;

    @Inject
    SettingsCommands.GetCommand getCommand;

    @Test
    void theCommandsChangeAndShowASettingAndRefuseBadValuesAsUsageErrors() throws Exception {
        assertEquals(0, setCommand.run(java.util.List.of("query-log.level", "slow")));
        assertEquals("slow", query("SELECT value FROM public.instance_settings WHERE key = 'query-log.level'"));
        awaitLevel(QueryLog.Level.SLOW);
        assertEquals(0, getCommand.run(java.util.List.of("query-log.level")));

        dev.cpdb.cli.UsageException wrong = org.junit.jupiter.api.Assertions.assertThrows(
                dev.cpdb.cli.UsageException.class, () -> setCommand.run(java.util.List.of("query-log.level", "x")));
        assertTrue(wrong.getMessage().contains("use one of off, slow, all, with-values"), wrong.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(dev.cpdb.cli.UsageException.class,
                () -> getCommand.run(java.util.List.of("no.such-setting")));
        org.junit.jupiter.api.Assertions.assertThrows(dev.cpdb.cli.CommandFailedException.class,
                () -> setCommand.run(java.util.List.of("query-log.slow-threshold", "1s")));
        assertEquals(0, setCommand.run(java.util.List.of("query-log.level", "--default")));
        assertNull(query("SELECT value FROM public.instance_settings WHERE key = 'query-log.level'"));
    }

    @Test
    void settingsAreForOperatorsOnly() {
        given().when().get("/api/settings").then().statusCode(401);
        given().auth().oauth2("cpdb_ak_not-a-real-key").when().get("/api/settings").then().statusCode(401);
    }

    private void awaitLevel(QueryLog.Level level) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (database.queryLog().level() != level) {
            assertTrue(System.nanoTime() < deadline, "the level never became " + level);
            Thread.sleep(100);
        }
    }

    private void execute(String sql) throws Exception {
        DirectSql.execute(database, sql);
    }

    private String query(String sql) throws Exception {
        return DirectSql.text(database, sql);
    }

    private byte[] bytes(String sql) throws Exception {
        return DirectSql.bytes(database, sql);
    }
}
