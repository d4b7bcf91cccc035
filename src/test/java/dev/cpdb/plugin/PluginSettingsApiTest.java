package dev.cpdb.plugin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.cli.UsageException;
import dev.cpdb.database.Database;
import dev.cpdb.settings.SettingsCommands;
import dev.cpdb.testing.CommandOutput;
import dev.cpdb.testing.DirectSql;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestFolders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Settings declared in plugin folders (README, "Plugin settings"): listed with their plugin and with the instance
 * settings, changed through the same API and commands with the same checks, recorded in the activity log, sensitive
 * ones encrypted at rest and never shown, and a bad declaration refused by name.
 */
@QuarkusTest
@TestProfile(PluginSettingsApiTest.WithPluginSettings.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class PluginSettingsApiTest {

    static final String TOKEN = "operator-token-for-plugin-settings-0123";
    static final String BATCH = "plugin.acme.billing.batch_size";
    static final String SECRET = "plugin.acme.billing.api_token";

    /** A plugin declaring one setting of each type, a plugin whose declaration is wrong, and a master key. */
    public static class WithPluginSettings implements QuarkusTestProfile {

        static final Path PLUGINS = plugins();

        private static Path plugins() {
            Path folder = PluginFixtures.pluginsFolder();
            PluginFixtures.writePlugin(folder, "billing", """
                    {"key": "acme.billing", "version": "1.0.0", "settings": [
                      {"key": "batch_size", "type": "integer", "min": 1, "max": 1000, "default": 100,
                       "description": "Invoices sent per run"},
                      {"key": "mode", "type": "choice", "choices": ["fast", "safe"], "default": "safe",
                       "description": "How invoices are sent"},
                      {"key": "timeout", "type": "duration", "min": "1s", "max": "10m", "default": "30s",
                       "description": "Longest call to the provider"},
                      {"key": "enabled", "type": "boolean", "default": false, "description": "Send at all"},
                      {"key": "api_token", "type": "text", "sensitive": true, "description": "Provider token"}]}
                    """, "V1__init.sql", "CREATE TABLE invoices (id int PRIMARY KEY);");
            PluginFixtures.writePlugin(folder, "careless", """
                    {"key": "careless", "version": "1", "settings": [
                      {"key": "size", "type": "integer", "default": 3, "description": "No range given"}]}
                    """);
            return folder;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN, "cpdb.plugins.dir", PLUGINS.toString(),
                    "cpdb.home", TestFolders.create("cpdb-test-plugin-settings").toString(),
                    "cpdb.secrets.master-key", "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=",
                    // Set outside the database, as CPDB_PLUGIN_ACME_BILLING_ENABLED would.
                    "cpdb-plugin.acme.billing.enabled", "true");
        }
    }

    @Inject
    Database database;

    @Inject
    SettingsCommands.SetCommand setCommand;

    @AfterEach
    void forgetStoredPluginValues() throws Exception {
        DirectSql.execute(database, "DELETE FROM public.instance_settings WHERE key LIKE 'plugin.%'; "
                + "UPDATE public.instance_settings_version SET version = version + 1");
        // The next test starts once this replica has seen it, as every replica does within the poll interval.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!given().auth().oauth2(TOKEN).when().get("/api/settings").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.key.startsWith('plugin.') && (it.source == 'database' || it.problem != null) }")
                .isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the stored plugin values were never forgotten");
            Thread.sleep(100);
        }
    }

    @Inject
    PluginsListCommand listCommand;

    @Test
    void aPluginsSettingsAreListedWithThePluginAndWithTheInstanceSettings() throws Exception {
        given().auth().oauth2(TOKEN).when().get("/api/plugins/acme.billing").then().statusCode(200)
                .body("settings", hasSize(5))
                .body("settings.find { it.key == '" + BATCH + "' }.value", equalTo("100"))
                .body("settings.find { it.key == '" + BATCH + "' }.range", equalTo("a whole number from 1 to 1000"))
                .body("settings.find { it.key == '" + SECRET + "' }.isSet", equalTo(false));
        given().auth().oauth2(TOKEN).when().get("/api/plugins").then().statusCode(200)
                .body("plugins.find { it.key == 'acme.billing' }.settings.key", hasSize(5));
        given().auth().oauth2(TOKEN).when().get("/api/settings").then().statusCode(200)
                .body("find { it.key == '" + BATCH + "' }.group", equalTo("plugin.acme.billing"))
                .body("find { it.key == '" + BATCH + "' }.type", equalTo("integer"))
                .body("find { it.key == 'plugin.acme.billing.mode' }.choices", equalTo(List.of("fast", "safe")))
                .body("find { it.key == 'query-log.level' }.type", equalTo("choice"));
        given().auth().oauth2(TOKEN).when().get("/api/settings/plugin.acme.billing.timeout").then().statusCode(200)
                .body("value", equalTo("30s")).body("source", equalTo("default"))
                .body("environmentVariable", equalTo("CPDB_PLUGIN_ACME_BILLING_TIMEOUT"));

        CommandOutput.Run listed = CommandOutput.run(listCommand);
        assertEquals(0, listed.status());
        assertTrue(listed.out().contains("\"key\" : \"" + BATCH + "\""), listed.out());
    }

    @Test
    void aBadDeclarationRejectsThePluginNamingTheSettingAndTheFix() {
        given().auth().oauth2(TOKEN).when().get("/api/plugins").then().statusCode(200)
                .body("plugins.find { it.folder == 'careless' }.status", equalTo("invalid"))
                .body("plugins.find { it.folder == 'careless' }.lastError",
                        equalTo("plugin careless, setting size: an integer setting needs min and max"));
        given().auth().oauth2(TOKEN).when().get("/api/settings/plugin.careless.size").then().statusCode(404);
    }

    @Test
    void aChangeIsCheckedLikeACoreSettingStoredAndInTheActivityLog() throws Exception {
        patch(BATCH, "5000", 400).body("detail", containsString("use a whole number from 1 to 1000"));
        patch(BATCH, "\"many\"", 400);
        patch("plugin.acme.billing.mode", "\"slow\"", 400).body("detail", containsString("use one of fast, safe"));
        patch("plugin.acme.billing.timeout", "\"1h\"", 400).body("detail", containsString("from 1s to 10m"));
        patch("plugin.acme.billing.nothing", "1", 404);

        patch(BATCH, "250", 200).body("value", equalTo("250")).body("source", equalTo("database"));
        assertEquals("250",
                DirectSql.text(database, "SELECT value FROM public.instance_settings WHERE key = '" + BATCH + "'"));
        given().auth().oauth2(TOKEN).when().get("/api/plugins/acme.billing").then().statusCode(200)
                .body("settings.find { it.key == '" + BATCH + "' }.value", equalTo("250"));
        given().auth().oauth2(TOKEN).when().get("/api/activity?action=instance_setting.changed&limit=1").then()
                .statusCode(200)
                .body("items[0].details.key", equalTo(BATCH))
                .body("items[0].details.from", equalTo("100")).body("items[0].details.to", equalTo("250"))
                .body("items[0].actorType", equalTo("operator"));

        assertEquals(0, setCommand.run(List.of("plugin.acme.billing.mode", "fast")));
        assertEquals("fast", DirectSql.text(database, "SELECT value FROM public.instance_settings "
                + "WHERE key = 'plugin.acme.billing.mode'"));
        UsageException wrong = assertThrows(UsageException.class,
                () -> setCommand.run(List.of("plugin.acme.billing.mode", "slow")));
        assertTrue(wrong.getMessage().contains("use one of fast, safe"), wrong.getMessage());
    }

    @Test
    void whatTheEnvironmentSetsWinsAndIsReadOnly() {
        given().auth().oauth2(TOKEN).when().get("/api/settings/plugin.acme.billing.enabled").then().statusCode(200)
                .body("value", equalTo("true")).body("source", equalTo("environment"))
                .body("editable", equalTo(false));
        patch("plugin.acme.billing.enabled", "false", 409)
                .body("detail", containsString("CPDB_PLUGIN_ACME_BILLING_ENABLED"));
    }

    @Test
    void aSensitiveValueIsEncryptedAtRestAndNeverShown() throws Exception {
        String secret = "provider-token-kept-secret-7";
        patch(SECRET, "\"" + secret + "\"", 200).body("value", nullValue()).body("isSet", equalTo(true));

        assertNull(DirectSql.text(database, "SELECT value FROM public.instance_settings WHERE key = '" + SECRET + "'"));
        byte[] sealed = DirectSql.bytes(database,
                "SELECT secret_value FROM public.instance_settings WHERE key = '" + SECRET + "'");
        assertNotNull(sealed);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(secret), "not stored in clear");
        for (String path : List.of("/api/settings", "/api/settings/" + SECRET, "/api/plugins",
                "/api/plugins/acme.billing",
                "/api/activity?action=instance_setting.changed", "/api/db/status")) {
            String body = given().auth().oauth2(TOKEN).when().get(path).then().statusCode(200).extract().asString();
            assertFalse(body.contains(secret), path + " shows the secret: " + body);
        }
        given().auth().oauth2(TOKEN).when().get("/api/plugins/acme.billing").then().statusCode(200)
                .body("settings.find { it.key == '" + SECRET + "' }.isSet", equalTo(true));
    }

    @Test
    void aStoredValueThatNoLongerFitsIsPassedOverWithTheReasonAndNothingBreaks() throws Exception {
        // As after a plugin changed the type of batch_size, and for a plugin whose folder is gone.
        DirectSql.execute(database, "INSERT INTO public.instance_settings (key, value) VALUES ('" + BATCH
                + "', 'lots'), "
                + "('plugin.gone.size', '7'); UPDATE public.instance_settings_version SET version = version + 1");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!given().auth().oauth2(TOKEN).when().get("/api/settings/" + BATCH).then().statusCode(200).extract()
                .asString().contains("no longer fits")) {
            assertTrue(System.nanoTime() < deadline, "the stored value was never looked at");
            Thread.sleep(200);
        }
        given().auth().oauth2(TOKEN).when().get("/api/settings/" + BATCH).then().statusCode(200)
                .body("value", equalTo("100")).body("source", equalTo("default"))
                .body("problem", containsString("use a whole number from 1 to 1000"));
        given().auth().oauth2(TOKEN).when().get("/api/settings/plugin.gone.size").then().statusCode(404);
        patch(BATCH, "7", 200).body("problem", nullValue());
    }

    private io.restassured.response.ValidatableResponse patch(String key, String json, int status) {
        return given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body("{\"value\": " + json + "}")
                .when().patch("/api/settings/" + key).then().statusCode(status);
    }
}
