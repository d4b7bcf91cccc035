package dev.cpdb.company;

import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.newPrefix;
import static dev.cpdb.testing.Api.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.restassured.response.Response;

/**
 * {@code /api/companies}, run directly and through PgBouncer by the subclasses. Expectations come from the API's
 * own design (README's runtime API section).
 */
abstract class CompanyApiTest {

    @Test
    void anOperatorCreatesACompanyAndTheCreationIsLogged() {
        String prefix = newPrefix();
        Response created = operator().body(Map.of("name", "  Acme Robotics ", "issuePrefix", prefix))
                .post("/api/companies");

        created.then()
                .statusCode(201)
                .body("name", equalTo("Acme Robotics"))
                .body("issuePrefix", equalTo(prefix))
                .body("createdAt", notNullValue());
        String id = created.path("id");
        operator().get("/api/companies/{id}/activity", id)
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].action", equalTo("company.created"))
                .body("items[0].actorType", equalTo("operator"))
                .body("items[0].entityId", equalTo(id));
    }

    @Test
    void aSecondCompanyWithTheSameIssuePrefixIsAConflict() {
        String prefix = newPrefix();
        newCompany(prefix);

        operator().body(Map.of("name", "Copycat", "issuePrefix", prefix))
                .post("/api/companies")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("issuePrefix"));
    }

    @Test
    void anInvalidIssuePrefixIsRefusedWithTheRule() {
        operator().body(Map.of("name", "Lower", "issuePrefix", "acme"))
                .post("/api/companies")
                .then()
                .statusCode(400)
                .body("detail", containsString("upper-case"));
    }

    @Test
    void renamingChangesTheNameKeepsThePrefixAndIsLogged() {
        String id = newCompany();

        operator().body(Map.of("name", "Renamed Inc"))
                .patch("/api/companies/{id}", id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Renamed Inc"));
        operator().get("/api/companies/{id}/activity?action=company.updated", id)
                .then()
                .body("items", hasSize(1))
                .body("items[0].details.changed[0]", equalTo("name"));
    }

    @Test
    void theIssuePrefixCannotBeChanged() {
        String id = newCompany();

        operator().body(Map.of("issuePrefix", "NEWONE"))
                .patch("/api/companies/{id}", id)
                .then()
                .statusCode(400)
                .body("detail", containsString("issuePrefix"));
    }

    @Test
    void aDeletedCompanyIsGoneButItsActivityStays() {
        String id = newCompany();

        operator().delete("/api/companies/{id}", id).then().statusCode(204);

        operator().get("/api/companies/{id}", id).then().statusCode(404);
        operator().delete("/api/companies/{id}", id).then().statusCode(404);
    }

    @Test
    void listingPagesThroughEveryCompanyOnceNewestFirst() {
        List<String> mine = List.of(newCompany(), newCompany(), newCompany());

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = operator().queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/api/companies");
            page.then().statusCode(200);
            List<String> ids = page.path("items.id");
            assertTrue(ids.size() <= 2, "page larger than the limit");
            seen.addAll(ids);
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null && pages < 10_000);

        assertEquals(seen.stream().distinct().count(), seen.size(), "an item appeared on two pages");
        assertTrue(seen.containsAll(mine), "every new company is listed");
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort((a, b) -> java.util.UUID.fromString(b).compareTo(java.util.UUID.fromString(a)));
        // UUID.compareTo compares signed halves; version-7 ids all have a positive first half, so it is time order.
        assertEquals(sorted, seen, "newest first");
    }

    @Test
    void withoutATokenTheApiAnswers401() {
        given().get("/api/companies").then().statusCode(401);
    }
}
