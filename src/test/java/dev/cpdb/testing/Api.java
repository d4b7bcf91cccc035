package dev.cpdb.testing;

import static io.restassured.RestAssured.given;

import java.security.SecureRandom;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Request helpers for runtime API tests: callers with their tokens and fixtures every test creates for itself.
 */
public final class Api {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private Api() {
    }

    /** A request as the operator. */
    public static RequestSpecification operator() {
        return given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    /** A request with an agent API key. */
    public static RequestSpecification agent(String key) {
        return given().auth().oauth2(key).contentType(ContentType.JSON);
    }

    /**
     * A fresh issue prefix: 'Z' and six random letters, so tests do not collide with each other, nor with the
     * companies other suites create on a shared database (theirs start with other letters).
     */
    public static String newPrefix() {
        StringBuilder prefix = new StringBuilder("Z");
        for (int i = 0; i < 6; i++) {
            prefix.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return prefix.toString();
    }

    /** Creates a company as the operator and returns its id. */
    public static String newCompany() {
        return newCompany(newPrefix());
    }

    /** Creates a company with the given issue prefix and returns its id. */
    public static String newCompany(String prefix) {
        return operator().body(Map.of("name", "Company " + prefix, "issuePrefix", prefix))
                .post("/api/companies")
                .then()
                .statusCode(201)
                .extract().path("id");
    }

    /** Creates an agent as the operator and returns its id. */
    public static String newAgent(String companyId, String name) {
        return operator().body(Map.of("name", name, "role", "engineer", "adapterType", "process"))
                .post("/api/companies/{id}/agents", companyId)
                .then()
                .statusCode(201)
                .extract().path("id");
    }

    /** Creates an API key for an agent as the operator and returns the key (shown only this once). */
    public static String newAgentKey(String agentId) {
        return operator().body(Map.of("name", "test key"))
                .post("/api/agents/{id}/keys", agentId)
                .then()
                .statusCode(201)
                .extract().path("key");
    }

    /** Creates a company secret as the operator and returns its id. */
    public static String newSecret(String companyId, String name, String value) {
        return operator().body(Map.of("name", name, "value", value))
                .post("/api/companies/{id}/secrets", companyId)
                .then()
                .statusCode(201)
                .extract().path("id");
    }
}
