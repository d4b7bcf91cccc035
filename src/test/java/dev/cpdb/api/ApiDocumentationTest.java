package dev.cpdb.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code /q/openapi} documents every runtime API endpoint, its errors and the bearer scheme (the "docs and
 * contract" part). The expected endpoint list is the README's runtime API table.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class ApiDocumentationTest {

    private static final Map<String, List<String>> ENDPOINTS = Map.ofEntries(
            Map.entry("/api/companies", List.of("get", "post")),
            Map.entry("/api/companies/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/companies/{companyId}/activity", List.of("get")),
            Map.entry("/api/companies/{companyId}/agents", List.of("get", "post")),
            Map.entry("/api/agents/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/agents/{id}/env", List.of("get")),
            Map.entry("/api/agents/{id}/keys", List.of("get", "post")),
            Map.entry("/api/agents/{id}/keys/{keyId}", List.of("delete")),
            Map.entry("/api/companies/{companyId}/projects", List.of("get", "post")),
            Map.entry("/api/projects/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/companies/{companyId}/goals", List.of("get", "post")),
            Map.entry("/api/goals/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/companies/{companyId}/issues", List.of("get", "post")),
            Map.entry("/api/issues/{issue}", List.of("get", "patch", "delete")),
            Map.entry("/api/issues/{issue}/references", List.of("get")),
            Map.entry("/api/issues/{issue}/comments", List.of("get", "post")),
            Map.entry("/api/comments/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/companies/{companyId}/secrets", List.of("get", "post")),
            Map.entry("/api/secrets/{id}", List.of("get", "patch", "delete")),
            Map.entry("/api/secrets/{id}/versions", List.of("post")),
            Map.entry("/api/secrets/{id}/value", List.of("get")),
            Map.entry("/api/secrets/{id}/grants", List.of("get")),
            Map.entry("/api/secrets/{id}/grants/{agentId}", List.of("put", "delete")));

    @Test
    void everyEndpointIsDocumentedWithItsErrorsAndTheBearerScheme() {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("components.securitySchemes.bearer.type", equalTo("http"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.schemas", hasKey("Problem"))
                .extract().jsonPath();

        ENDPOINTS.forEach((path, methods) -> {
            Map<String, Object> item = document.getMap("paths.'" + path + "'");
            assertTrue(item != null, path + " is documented");
            for (String method : methods) {
                String operation = "paths.'" + path + "'." + method;
                assertTrue(document.get(operation) != null, method + " " + path + " is documented");
                assertEquals(List.of(Map.of("bearer", List.of())), document.getList(operation + ".security"),
                        method + " " + path + " needs the bearer token");
                Map<String, Object> responses = document.getMap(operation + ".responses");
                assertTrue(responses.keySet().containsAll(List.of("400", "401", "403")),
                        method + " " + path + " documents its errors: " + responses.keySet());
            }
        });
    }

    @Test
    void creationsAreDocumentedAs201() {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json").jsonPath();

        for (String path : List.of("/api/companies", "/api/companies/{companyId}/issues",
                "/api/issues/{issue}/comments", "/api/agents/{id}/keys", "/api/secrets/{id}/versions")) {
            Map<String, Object> responses = document.getMap("paths.'" + path + "'.post.responses");
            assertTrue(responses.containsKey("201") && !responses.containsKey("200"), path + ": " + responses.keySet());
        }
        assertTrue(!document.getMap("components.schemas.IssuePatch.properties").containsKey("present"),
                "bookkeeping of patch bodies is not part of the contract");
    }

    @Test
    void enumsAreDocumentedWithTheirWireWords() {
        given().accept("application/json").get("/q/openapi?format=json")
                .then()
                .body("components.schemas.IssueStatus.enum", hasItems("backlog", "in_progress", "done"))
                .body("components.schemas.Company", not(hasKey("value")));
    }
}
