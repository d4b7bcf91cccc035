package dev.cpdb.api;

import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ApiTestProfiles;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Bad input of every kind answers a 4xx problem body that says what to fix, never a 500, and writes nothing. The
 * policy (README, runtime API section): 400 for requests that are malformed or do not match the documented shape
 * (JSON syntax, types, unknown or missing fields, lengths, ids, enum words, query parameters), 413 for bodies over
 * the limit, 415 for other media types, 422 for well-formed requests that break a rule of the data, 409 for
 * duplicates and records still referenced.
 */
abstract class BadInputApiTest {

    @Test
    void malformedJsonIs400() {
        expectProblem(post("/api/companies", "{\"name\": \"x\","), 400, "not valid JSON (line 1, column");
        post("/api/companies", "{\"name\": \"x\",").body("detail", not(containsString("Source")));
        expectProblem(post("/api/companies", "{\"name\": 'single'}"), 400, "not valid JSON");
    }

    @Test
    void anEmptyBodyOrANonObjectIs400() {
        expectProblem(post("/api/companies", ""), 400, "JSON object");
        expectProblem(post("/api/companies", "[]"), 400, "JSON object");
        expectProblem(post("/api/companies", "\"ACME\""), 400, "JSON object");
        expectProblem(post("/api/companies", "null"), 400, "JSON object");
    }

    @Test
    void wrongTypesAre400NamingTheField() {
        expectProblem(post("/api/companies", "{\"name\": 5, \"issuePrefix\": \"ABC\"}"), 400,
                "Field 'name' must be a string");
        expectProblem(post("/api/companies", "{\"name\": [\"a\"], \"issuePrefix\": \"ABC\"}"), 400,
                "Field 'name' must be a string");
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"t\", \"assigneeAgentId\": 12}"),
                400, "assigneeAgentId");
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"t\", \"projectId\": \"nope\"}"),
                400, "Field 'projectId' is 'nope', which is not a UUID");
        expectProblem(post("/api/companies/" + company + "/agents",
                "{\"name\": \"a\", \"role\": \"r\", \"adapterType\": \"p\", \"adapterConfig\": \"x\"}"), 400,
                "Field 'adapterConfig' must be a JSON object");
        expectProblem(post("/api/companies/" + company + "/agents",
                "{\"name\": \"a\", \"role\": \"r\", \"adapterType\": \"p\", \"adapterConfig\": {\"env\": "
                        + "{\"LOG_LEVEL\": \"debug\"}}}"),
                400, "adapterConfig.env.LOG_LEVEL");
        assertNothingWritten(company);
    }

    @Test
    void missingRequiredFieldsAre400() {
        expectProblem(post("/api/companies", "{\"issuePrefix\": \"ABC\"}"), 400, "Field 'name' is required");
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"description\": \"no title\"}"), 400,
                "Field 'title' is required");
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"   \"}"), 400,
                "Field 'title' must not be empty");
        assertNothingWritten(company);
    }

    @Test
    void unknownFieldsAreRefusedListingTheAcceptedOnes() {
        expectProblem(post("/api/companies", "{\"name\": \"x\", \"issuePrefix\": \"ABCD\", \"colour\": \"red\"}"),
                400, "Unknown field 'colour'; accepted fields: issuePrefix, name");
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"t\", \"assignee\": \"me\"}"), 400,
                "Unknown field 'assignee'");
        assertNothingWritten(company);
    }

    @Test
    void aFieldSentTwiceOrTextAfterTheJsonIs400() {
        expectProblem(post("/api/companies", "{\"name\": \"x\", \"name\": \"y\", \"issuePrefix\": \"ABCD\"}"), 400,
                "name");
        expectProblem(post("/api/companies", "{\"name\": \"x\", \"issuePrefix\": \"ABCD\"} {}"), 400, "");
    }

    @Test
    void tooLongStringsAre400WithTheLimit() {
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"" + "x".repeat(501) + "\"}"), 400,
                "at most 500");
        expectProblem(post("/api/companies/" + company + "/projects", "{\"name\": \"" + "n".repeat(201) + "\"}"), 400,
                "at most 200");
        assertNothingWritten(company);
    }

    @Test
    void aNulCharacterIs400() {
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"a\\u0000b\"}"), 400, "title");
        assertNothingWritten(company);
    }

    @Test
    void anOversizedBodyIs413() {
        String company = newCompany();
        String huge = "{\"title\": \"t\", \"description\": \"" + "d".repeat(1_100_000) + "\"}";

        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(huge)
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("detail", containsString("1 MiB"));
        assertNothingWritten(company);
    }

    @Test
    void aDescriptionJustOverItsLimitButUnderTheBodyLimitIs400() {
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues",
                "{\"title\": \"t\", \"description\": \"" + "d".repeat(100_001) + "\"}"), 400, "at most 100000");
    }

    @Test
    void invalidIdsInPathsAre400() {
        for (String id : new String[] { "not-a-uuid", "-1", "1 OR 1=1", "00000000-0000-0000-0000-00000000000g" }) {
            operator().get("/api/companies/{id}", id)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("not a valid company id"));
        }
        operator().get("/api/issues/{ref}", "'; DROP TABLE issues; --")
                .then()
                .statusCode(400)
                .body("detail", containsString("neither an issue id"));
        operator().get("/api/issues/{ref}", "ACME--5").then().statusCode(400);
        operator().get("/api/companies/{id}", "00000000-0000-7000-8000-000000000000").then().statusCode(404);
    }

    @Test
    void listsOfAnUnknownCompanyAre404AndOfACompanyWithoutRowsAreEmpty() {
        String unknown = "00000000-0000-7000-8000-000000000000";
        String empty = newCompany();
        for (String list : List.of("issues", "goals", "projects", "agents", "secrets")) {
            expectProblem(operator().get("/api/companies/{id}/" + list, unknown).then(), 404,
                    "No company with id " + unknown);
            operator().get("/api/companies/{id}/" + list, empty).then().statusCode(200).body("items", hasSize(0));
        }
    }

    @Test
    void unknownEnumWordsAre400ListingTheAcceptedOnes() {
        String company = newCompany();
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"t\", \"status\": \"finished\"}"),
                400, "backlog, todo, in_progress, in_review, blocked, done, cancelled");
        expectProblem(post("/api/companies/" + company + "/issues", "{\"title\": \"t\", \"priority\": 1}"), 400,
                "priority");
        operator().get("/api/companies/{id}/issues?status=DONE", company)
                .then()
                .statusCode(400)
                .body("detail", containsString("use one of backlog"));
        assertNothingWritten(company);
    }

    @Test
    void badPagingParametersAre400() {
        String company = newCompany();
        for (String limit : new String[] { "0", "-3", "201", "ten", "1.5" }) {
            operator().get("/api/companies/{id}/issues?limit=" + limit, company)
                    .then()
                    .statusCode(400)
                    .body("detail", containsString("limit"));
        }
        operator().get("/api/companies/{id}/issues?cursor=bm90LWEtY3Vyc29y", company)
                .then()
                .statusCode(400)
                .body("detail", containsString("cursor"));
        operator().get("/api/companies/{id}/issues?cursor=%%%", company).then().statusCode(400);
    }

    @Test
    void anotherMediaTypeIs415() {
        given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN)
                .contentType(ContentType.TEXT)
                .body("name=x")
                .post("/api/companies")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void aPatchThatFailsHalfwayChangesNothing() {
        String company = newCompany();
        String agentId = newAgent(company, "keeper");

        operator().body(Map.of("name", "renamed", "adapterConfig", Map.of("env", Map.of(
                "DB_PASSWORD", Map.of("value", "inline")))))
                .patch("/api/agents/{id}", agentId)
                .then()
                .statusCode(422);

        operator().get("/api/agents/{id}", agentId).then().body("name", equalTo("keeper"));
        operator().get("/api/companies/{id}/activity?action=agent.updated", company).then().body("items", hasSize(0));
    }

    @Test
    void aBadPatchIs400WhetherOrNotTheRecordExistsForEveryKindOfRecord() {
        // Every PATCH checks its body before it reads the record (one shared step), so the answer does not depend on
        // the record: a missing one does not turn a malformed request into a 404.
        String missing = java.util.UUID.randomUUID().toString();
        Map<String, String> bodies = Map.of(
                "/api/companies/", "{\"name\": \"\"}",
                "/api/agents/", "{\"role\": \"\"}",
                "/api/projects/", "{\"status\": null}",
                "/api/goals/", "{\"title\": \"   \"}",
                "/api/issues/", "{\"description\": null}",
                "/api/secrets/", "{\"description\": null}");
        bodies.forEach((path, json) -> expectProblem(patch(path + missing, json), 400, "Field '"));
        expectProblem(patch("/api/goals/" + missing, "{\"parentId\": null}"), 404, "No goal with id " + missing);
    }

    private static ValidatableResponse post(String path, String json) {
        return given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(json)
                .post(path)
                .then();
    }

    private static ValidatableResponse patch(String path, String json) {
        return given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(json)
                .patch(path)
                .then();
    }

    private static void expectProblem(ValidatableResponse response, int status, String detail) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("detail", allOf(containsString(detail), not(containsString("dev.cpdb")),
                        not(containsString("java."))));
    }

    /** Only the company's own creation (made by the fixture) is in its log, and it has no issues or agents. */
    private static void assertNothingWritten(String company) {
        operator().get("/api/companies/{id}/activity", company)
                .then()
                .body("items.action", equalTo(java.util.List.of("company.created")));
        operator().get("/api/companies/{id}/issues", company).then().body("items", hasSize(0));
        operator().get("/api/companies/{id}/projects", company).then().body("items", hasSize(0));
    }
}
