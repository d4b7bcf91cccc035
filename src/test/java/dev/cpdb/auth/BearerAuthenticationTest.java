package dev.cpdb.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ExternalPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Operator and agent bearer authentication on resources marked {@link Secured}. */
@QuarkusTest
@TestProfile(BearerAuthenticationTest.ConfiguredToken.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BearerAuthenticationTest {

    static final String TOKEN = "operator-token-for-tests-0123456789";

    /** An external database with CPDB_ADMIN_TOKEN set, as in production. */
    public static class ConfiguredToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN);
        }
    }

    @Test
    void aRequestWithoutATokenIsRejectedWith401AndAChallenge() {
        given().when().get("/test/secured/operators")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .contentType("application/problem+json")
                .body("detail", containsString("Authorization: Bearer"));
    }

    @Test
    void aWrongTokenIsRejectedWith401() {
        given().auth().oauth2("not-the-token-at-all-123456").when().get("/test/secured/operators")
                .then()
                .statusCode(401)
                .body("detail", equalTo("The bearer token is not valid"));
    }

    @Test
    void anotherAuthorizationSchemeIsRejected() {
        given().header("Authorization", "Basic " + TOKEN).when().get("/test/secured/operators")
                .then()
                .statusCode(401);
    }

    @Test
    void theOperatorTokenIsAccepted() {
        given().auth().oauth2(TOKEN).when().get("/test/secured/operators")
                .then()
                .statusCode(200)
                .body(equalTo("ADMIN"));
    }

    @Test
    void anAgentKeyOpensAgentEndpointsForItsCompany() {
        given().auth().oauth2(TestAgentAuthenticator.KEY).when().get("/test/secured/agents")
                .then()
                .statusCode(200)
                .body(equalTo("AGENT:" + TestAgentAuthenticator.COMPANY));
    }

    @Test
    void anAgentKeyOnAnOperatorEndpointIsForbidden() {
        given().auth().oauth2(TestAgentAuthenticator.KEY).when().get("/test/secured/operators")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void statusStaysAnonymous() {
        given().when().get("/api/db/status").then().statusCode(200);
    }
}
