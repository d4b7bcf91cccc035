package dev.cpdb.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code /q/openapi} documents every runtime API endpoint, its errors and the bearer scheme, and the README's endpoint
 * table and the served endpoints agree in both directions: every row names endpoints that exist, and every endpoint
 * the application serves (as its OpenAPI document lists them) has a row with its method and its success statuses.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class ApiDocumentationTest {

    /** Resources that only this test suite adds to the application. */
    private static final String TEST_ONLY_PATHS = "/test/";

    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([A-Z, ]+) \\| ([0-9, ]+) \\|");

    /** One row of the README's endpoint table. */
    record Row(String path, Set<String> methods, Set<String> statuses) {

        /** The path with every parameter written as {@code {}}: {@code {id}} and {@code {companyId}} are alike. */
        String shape() {
            return shape(path);
        }

        static String shape(String path) {
            return path.replaceAll("\\{[^}]*}", "{}");
        }
    }

    @Test
    void everyEndpointIsDocumentedWithItsErrorsAndTheBearerScheme() throws IOException {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("components.securitySchemes.bearer.type", equalTo("http"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("components.schemas", hasKey("Problem"))
                .extract().jsonPath();
        List<String> runtime = List.of("/api/companies", "/api/agents", "/api/projects", "/api/goals", "/api/issues",
                "/api/comments", "/api/secrets");

        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> operation : operations(document).entrySet()) {
            String[] key = operation.getKey().split(" ", 2);
            if (runtime.stream().noneMatch(key[1]::startsWith)) {
                continue;
            }
            Map<String, Object> details = operation.getValue();
            assertEquals(List.of(Map.of("bearer", List.of())), details.get("security"),
                    operation.getKey() + " needs the bearer token");
            @SuppressWarnings("unchecked")
            Map<String, Object> responses = (Map<String, Object>) details.get("responses");
            assertTrue(responses.keySet().containsAll(List.of("400", "401", "403")),
                    operation.getKey() + " documents its errors: " + responses.keySet());
            checked++;
        }
        assertTrue(checked > 40, "the runtime API's operations were found: " + checked);
    }

    @Test
    void everyEndpointTheReadmeNamesIsServed() throws IOException {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json").jsonPath();
        Map<String, Map<String, Object>> operations = operations(document);
        List<Row> rows = readmeRows();
        assertTrue(rows.size() > 30, "the README's endpoint table was read: " + rows.size() + " rows");

        for (Row row : rows) {
            if (row.path().startsWith("/q/")) {
                // Framework endpoints are not in the OpenAPI document: they must answer as the README says.
                int status = given().get(row.path()).statusCode();
                assertTrue(row.statuses().contains(Integer.toString(status)),
                        "GET " + row.path() + " answers " + status + "; the README says " + row.statuses());
                continue;
            }
            Set<String> documented = new TreeSet<>();
            for (String method : row.methods()) {
                Map<String, Object> operation = operations.get(method + " " + row.shape());
                assertNotNull(operation, "the README names " + method + " " + row.path() + ", which is not served");
                documented.addAll(responses(operation).keySet());
            }
            if (documented.stream().anyMatch(status -> status.startsWith("4"))) {
                assertTrue(documented.containsAll(row.statuses()), "the README gives " + row.path() + " statuses "
                        + row.statuses() + "; its OpenAPI description knows " + documented);
            }
        }
    }

    @Test
    void everyServedEndpointHasAReadmeRowWithItsMethodAndSuccessStatuses() throws IOException {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json").jsonPath();
        Map<String, Row> rows = new TreeMap<>();
        for (Row row : readmeRows()) {
            for (String method : row.methods()) {
                rows.put(method + " " + row.shape(), row);
            }
        }

        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> operation : operations(document).entrySet()) {
            String[] key = operation.getKey().split(" ", 2);
            if (key[1].startsWith(TEST_ONLY_PATHS)) {
                continue;
            }
            Row row = rows.get(operation.getKey());
            assertNotNull(row, operation.getKey() + " is served but has no row in the README's endpoint table");
            Set<String> success = new TreeSet<>(responses(operation.getValue()).keySet());
            success.removeIf(status -> !status.startsWith("2"));
            assertTrue(row.statuses().containsAll(success), operation.getKey() + " answers " + success
                    + "; its README row lists " + row.statuses());
            checked++;
        }
        assertTrue(checked > 40, "the served operations were found: " + checked);
    }

    @Test
    void everyTextFieldOfARequestBodyIsDocumentedWithItsLimits() {
        JsonPath document = given().accept("application/json").get("/q/openapi?format=json").jsonPath();
        Set<String> bodies = new TreeSet<>();
        operations(document).values().forEach(operation -> {
            Object reference = at(operation, "requestBody", "content", "application/json", "schema", "$ref");
            if (reference != null) {
                bodies.add(reference.toString().substring("#/components/schemas/".length()));
            }
        });
        assertTrue(bodies.containsAll(List.of("GoalCreate", "GoalPatch", "CommentBody", "SecretRotate")),
                "request bodies were found: " + bodies);

        for (String body : bodies) {
            Map<String, Map<String, Object>> properties = document.getMap("components.schemas." + body
                    + ".properties");
            properties.forEach((name, property) -> {
                if ("string".equals(property.get("type")) && !property.containsKey("$ref")) {
                    assertTrue(property.containsKey("maxLength") || property.containsKey("pattern"),
                            body + "." + name + " documents its limit: " + property);
                }
            });
        }
        assertEquals(500, document.getInt("components.schemas.GoalPatch.properties.title.maxLength"));
        assertEquals(List.of("title"), document.getList("components.schemas.GoalCreate.required"));
        assertEquals("null", document.getString("components.schemas.IssuePatch.properties.goalId.anyOf[1].type"),
                "a link a PATCH may clear is documented as nullable");
    }

    @Test
    void readmeRowsAreReadAsWritten() {
        Matcher matcher = ROW.matcher("| `/api/goals/{id}` | GET, PATCH, DELETE | 200, 204, 404 | Read, change |");
        assertTrue(matcher.find());
        assertEquals("/api/goals/{id}", matcher.group(1));
        assertEquals("/api/companies/{}/goals", Row.shape("/api/companies/{companyId}/goals"));
        assertTrue(!ROW.matcher("| `DATABASE_URL` | `database.url` | unset | Runtime URL |").find());
    }

    /** The value under nested keys of a parsed JSON object, or null where one is missing. */
    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> object, String... keys) {
        Object value = object;
        for (String key : keys) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = ((Map<String, Object>) map).get(key);
        }
        return value;
    }

    /** Every operation of the document as {@code "GET /path/{}"} to its description. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> operations(JsonPath document) {
        Map<String, Map<String, Object>> operations = new TreeMap<>();
        Map<String, Object> paths = document.getMap("paths");
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, operation) -> {
            if (List.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                operations.put(method.toUpperCase(Locale.ROOT) + " " + Row.shape(path),
                        (Map<String, Object>) operation);
            }
        }));
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> responses(Map<String, Object> operation) {
        Object responses = operation.get("responses");
        return responses == null ? Map.of() : (Map<String, Object>) responses;
    }

    /** The rows of the table under "## HTTP endpoints" in the README. */
    private static List<Row> readmeRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(readme())) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## HTTP endpoints");
                continue;
            }
            Matcher matcher = ROW.matcher(line);
            if (inSection && matcher.find()) {
                rows.add(new Row(matcher.group(1), split(matcher.group(2)), split(matcher.group(3))));
            }
        }
        return rows;
    }

    private static Set<String> split(String list) {
        Set<String> items = new TreeSet<>();
        for (String item : list.split(",")) {
            items.add(item.strip());
        }
        return items;
    }

    private static Path readme() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null && !Files.isRegularFile(folder.resolve("pom.xml"))) {
            folder = folder.getParent();
        }
        assertNotNull(folder, "the tests run inside the project folder");
        return folder.resolve("README.md");
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
