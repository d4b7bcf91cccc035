package dev.cpdb.plugin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.PluginFixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service with a plugins folder holding a good plugin, one whose migration has a syntax error and one invalid
 * folder: start-up migrates them, and the operator API and the status report show the result. Expected behaviour
 * comes from issue 5 and the README's endpoint table.
 */
@QuarkusTest
@TestProfile(PluginResourceTest.WithPlugins.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class PluginResourceTest {

    static final String TOKEN = "operator-token-for-plugin-tests-0123";

    /** An external database, an operator token and a plugins folder prepared before start-up. */
    public static class WithPlugins implements QuarkusTestProfile {

        static final Path PLUGINS = plugins();

        private static Path plugins() {
            Path folder = PluginFixtures.pluginsFolder();
            PluginFixtures.writePlugin(folder, "notes", PluginFixtures.manifest("notes", "companies"),
                    "V1__init.sql", "CREATE TABLE notes (id int PRIMARY KEY, body text);",
                    "V2__seed.sql", "INSERT INTO notes VALUES (1, 'hello');");
            PluginFixtures.writePlugin(folder, "broken", PluginFixtures.manifest("broken"),
                    "V1__oops.sql", "CREATE TABEL oops (id int);");
            PluginFixtures.writePlugin(folder, "invalid", "{\"key\": \"invalid\"}");
            return folder;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN, "cpdb.plugins.dir", PLUGINS.toString());
        }
    }

    @Test
    void aFailingPluginDoesNotStopStartUpOrReadiness() {
        given().when().get("/q/health/started").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void thePluginListNeedsTheOperatorToken() {
        given().when().get("/api/plugins")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void thePluginListShowsEveryPluginWithItsState() {
        given().auth().oauth2(TOKEN).when().get("/api/plugins")
                .then()
                .statusCode(200)
                .body("directory", equalTo(WithPlugins.PLUGINS.toString()))
                .body("isolation", equalTo("role"))
                .body("warning", nullValue())
                .body("plugins.find { it.key == 'notes' }.status", equalTo("active"))
                .body("plugins.find { it.key == 'notes' }.namespace", equalTo("plugin_notes"))
                .body("plugins.find { it.key == 'notes' }.isolation", equalTo("role"))
                .body("plugins.find { it.key == 'notes' }.applied", equalTo(2))
                .body("plugins.find { it.key == 'notes' }.pending", equalTo(0))
                .body("plugins.find { it.key == 'broken' }.status", equalTo("migration_failed"))
                .body("plugins.find { it.key == 'broken' }.lastError",
                        containsString("V1__oops.sql line 1: syntax error"))
                .body("plugins.find { it.folder == 'invalid' }.status", equalTo("invalid"))
                .body("plugins.find { it.folder == 'invalid' }.lastError", containsString("must set 'version'"));
    }

    @Test
    void onePluginShowsRoleAndEachMigration() {
        given().auth().oauth2(TOKEN).when().get("/api/plugins/notes")
                .then()
                .statusCode(200)
                .body("key", equalTo("notes"))
                .body("role", containsString("plugin_notes_"))
                .body("migrations", hasSize(2))
                .body("migrations[0].migration", equalTo("V1"))
                .body("migrations[0].status", equalTo("applied"))
                .body("migrations[1].file", equalTo("V2__seed.sql"));
    }

    @Test
    void anUnknownPluginIs404AndAMalformedKeyIs400() {
        given().auth().oauth2(TOKEN).when().get("/api/plugins/nope")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("No plugin with key 'nope'"));
        given().auth().oauth2(TOKEN).when().get("/api/plugins/caf%C3%A9")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("is not a plugin key"));
        given().auth().oauth2(TOKEN).when().post("/api/plugins/nope/migrate")
                .then()
                .statusCode(404)
                .body("detail", containsString("declares the key 'nope'"));
    }

    @Test
    void migratingNeedsTheOperatorToken() {
        given().when().post("/api/plugins/notes/migrate").then().statusCode(401);
    }

    @Test
    void migratingAnUpToDatePluginAnswers200WithItsState() {
        given().auth().oauth2(TOKEN).when().post("/api/plugins/notes/migrate")
                .then()
                .statusCode(200)
                .body("status", equalTo("active"))
                .body("applied", equalTo(2));
    }

    @Test
    void migratingAFailingPluginAnswers422NamingTheFile() {
        given().auth().oauth2(TOKEN).when().post("/api/plugins/broken/migrate")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("plugin broken: V1__oops.sql line 1: syntax error"));
    }

    @Test
    void aPluginAddedWhileRunningIsMigratedOnDemand() {
        PluginFixtures.writePlugin(WithPlugins.PLUGINS, "later", PluginFixtures.manifest("later"),
                "V1__init.sql", "CREATE TABLE later (id int);");
        given().auth().oauth2(TOKEN).when().get("/api/plugins/later")
                .then()
                .statusCode(200)
                .body("status", equalTo("pending"))
                .body("pendingMigrations[0]", equalTo("V1__init.sql"));

        given().auth().oauth2(TOKEN).when().post("/api/plugins/later/migrate")
                .then()
                .statusCode(200)
                .body("status", equalTo("active"))
                .body("namespace", equalTo("plugin_later"));
    }

    @Test
    void theStatusReportCarriesThePluginSectionForOperatorsOnly() {
        given().when().get("/api/db/status").then().statusCode(200).body("plugins", nullValue());
        given().auth().oauth2(TOKEN).when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("plugins.isolation", equalTo("role"))
                .body("plugins.required", equalTo(false))
                .body("plugins.plugins.find { it.key == 'notes' }.status", equalTo("active"))
                .body("plugins.plugins.find { it.key == 'broken' }.status", equalTo("migration_failed"))
                .body("plugins.plugins.find { it.key == 'notes' }.migrations", nullValue());
    }
}
