package dev.cpdb.plugin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
 * {@code CPDB_PLUGINS_REQUIRED=true} (issue 5): a failed plugin makes the service unready, but start-up itself still
 * completes.
 */
@QuarkusTest
@TestProfile(RequiredPluginsTest.Required.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class RequiredPluginsTest {

    static final String TOKEN = "operator-token-for-required-plugins-0123";

    /** Plugins are required and one of them cannot be migrated. */
    public static class Required implements QuarkusTestProfile {

        static final Path PLUGINS = plugins();

        private static Path plugins() {
            Path folder = PluginFixtures.pluginsFolder();
            PluginFixtures.writePlugin(folder, "good", PluginFixtures.manifest("good"),
                    "V1__init.sql", "CREATE TABLE good (id int);");
            PluginFixtures.writePlugin(folder, "broken", PluginFixtures.manifest("broken"),
                    "V1__init.sql", "CREATE TABLE public.not_allowed (id int);");
            return folder;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.plugins.dir", PLUGINS.toString(), "cpdb.plugins.required", "true",
                    "cpdb.admin.token", TOKEN);
        }
    }

    @Test
    void startUpCompletesDespiteTheFailedPlugin() {
        given().when().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void readinessFailsNamingTheFailedPlugin() {
        given().when().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'database' }.data.plugins", equalTo("broken: migration_failed"))
                .body("checks.find { it.name == 'database' }.data.runtime", equalTo("UP"));
    }

    @Test
    void statusSaysPluginsAreRequiredAndWhy() {
        given().auth().oauth2(TOKEN).when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("plugins.required", equalTo(true))
                .body("plugins.plugins.find { it.key == 'broken' }.lastError",
                        containsString("permission denied for schema public"));
    }
}
