package dev.cpdb.issue;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.newPrefix;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.Http;
import io.restassured.path.json.JsonPath;

/**
 * Issues, comments and issue references, run directly and through PgBouncer by the subclasses. Expectations come
 * from the issue's design: identifiers PREFIX-N unique per company, mentions synced into references in the writing
 * transaction, filters and keyset pagination on lists.
 */
abstract class IssueApiTest {

    @Test
    void issuesGetConsecutiveIdentifiersAndCanBeReadByEither() {
        String prefix = newPrefix();
        String company = dev.cpdb.testing.Api.newCompany(prefix);

        String first = newIssue(company, "one");
        newIssue(company, "two");

        operator().get("/api/issues/{ref}", prefix + "-2")
                .then()
                .statusCode(200)
                .body("title", equalTo("two"))
                .body("number", equalTo(2));
        operator().get("/api/issues/{ref}", first)
                .then()
                .body("identifier", equalTo(prefix + "-1"))
                .body("status", equalTo("backlog"))
                .body("priority", equalTo("medium"));
        operator().get("/api/issues/{ref}", prefix + "-3").then().statusCode(404);
    }

    @Test
    void concurrentCreationsNeverShareANumber() throws Exception {
        String prefix = newPrefix();
        String company = dev.cpdb.testing.Api.newCompany(prefix);
        int count = 20;

        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String body = "{\"title\":\"parallel " + i + "\"}";
                answers.add(pool.submit(() -> Http.send("POST", "/api/companies/" + company + "/issues",
                        ApiTestProfiles.ADMIN_TOKEN, body)));
            }
            List<Integer> numbers = new ArrayList<>();
            for (Future<Http.Answer> answer : answers) {
                assertEquals(201, answer.get().status(), answer.get().body());
                numbers.add(JsonPath.from(answer.get().body()).getInt("number"));
            }
            numbers.sort(Integer::compare);
            assertEquals(IntStream.rangeClosed(1, count).boxed().toList(), numbers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listsFilterByStatusAssigneeProjectAndTitleText() {
        String company = newCompany();
        String agentId = newAgent(company, "assignee");
        String project = operator().body(Map.of("name", "P")).post("/api/companies/{id}/projects", company)
                .then().statusCode(201).extract().path("id");
        String assigned = create(company, Map.of("title", "Fix the 100% CPU bug", "assigneeAgentId", agentId));
        String inProject = create(company, Map.of("title", "Write docs", "projectId", project, "status", "todo"));
        String plain = create(company, Map.of("title", "fix typo"));

        assertIds(company, Map.of("assigneeAgentId", agentId), List.of(assigned));
        assertIds(company, Map.of("projectId", project), List.of(inProject));
        assertIds(company, Map.of("status", "todo"), List.of(inProject));
        assertIds(company, Map.of("q", "FIX"), List.of(plain, assigned));
        assertIds(company, Map.of("q", "100%"), List.of(assigned));
        assertIds(company, Map.of("q", "_"), List.of());
        assertIds(company, Map.of("status", "todo", "q", "fix"), List.of());
    }

    @Test
    void pagesAreStableAndCoverEveryIssueOnce() {
        String company = newCompany();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(newIssue(company, "issue " + i));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            var request = operator().queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/companies/{id}/issues", company).then().statusCode(200).extract()
                    .jsonPath();
            seen.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        List<String> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, seen);
    }

    @Test
    void closingSetsCompletedAtAndReopeningClearsIt() {
        String company = newCompany();
        String id = newIssue(company, "close me");

        operator().body(Map.of("status", "done")).patch("/api/issues/{id}", id)
                .then()
                .statusCode(200)
                .body("completedAt", notNullValue());
        operator().body(Map.of("status", "todo")).patch("/api/issues/{id}", id)
                .then()
                .body("completedAt", nullValue());
        operator().get("/api/companies/{id}/activity?entityId={issue}&action=issue.updated", company, id)
                .then()
                .body("items", hasSize(2))
                .body("items[1].details.status.from", equalTo("backlog"))
                .body("items[1].details.status.to", equalTo("done"));
    }

    @Test
    void anAssigneeIsClearedWithNull() {
        String company = newCompany();
        String agentId = newAgent(company, "worker");
        String id = create(company, Map.of("title", "t", "assigneeAgentId", agentId));
        Map<String, Object> clear = new HashMap<>();
        clear.put("assigneeAgentId", null);

        operator().body(clear).patch("/api/issues/{id}", id)
                .then()
                .statusCode(200)
                .body("assigneeAgentId", nullValue());
    }

    @Test
    void linksToRecordsOfAnotherCompanyAreRefused() {
        String company = newCompany();
        String foreignAgent = newAgent(newCompany(), "outsider");

        operator().body(Map.of("title", "t", "assigneeAgentId", foreignAgent))
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("assigneeAgentId"));
        operator().get("/api/companies/{id}/issues", company).then().body("items", hasSize(0));
        operator().body(Map.of("title", "first")).post("/api/companies/{id}/issues", company)
                .then()
                .body("number", equalTo(1));
    }

    @Test
    void mentionsInDescriptionsBecomeReferencesAndFollowEdits() {
        String prefix = newPrefix();
        String company = dev.cpdb.testing.Api.newCompany(prefix);
        String a = newIssue(company, "A");
        String b = newIssue(company, "B");
        String other = newPrefix();
        dev.cpdb.testing.Api.newCompany(other);

        String c = create(company, Map.of("title", "C", "description",
                "Blocked by " + prefix + "-1 and " + prefix + "-2, see also " + other + "-1, " + prefix + "-3 (me), "
                        + prefix + "-99 and X" + prefix + "-1."));

        operator().get("/api/issues/{id}/references", c)
                .then()
                .statusCode(200)
                .body("outgoing.issueId", equalTo(List.of(a, b)))
                .body("outgoing.source", equalTo(List.of("description", "description")))
                .body("incoming", hasSize(0));
        operator().get("/api/issues/{ref}/references", prefix + "-1")
                .then()
                .body("incoming.identifier", equalTo(List.of(prefix + "-3")));

        operator().body(Map.of("description", "Only " + prefix + "-2 now")).patch("/api/issues/{id}", c)
                .then()
                .statusCode(200);

        operator().get("/api/issues/{id}/references", c).then().body("outgoing.issueId", equalTo(List.of(b)));
        operator().get("/api/issues/{id}/references", a).then().body("incoming", hasSize(0));
    }

    @Test
    void mentionsInCommentsAreSyncedOnCreateEditAndDelete() {
        String prefix = newPrefix();
        String company = dev.cpdb.testing.Api.newCompany(prefix);
        String a = newIssue(company, "A");
        String b = newIssue(company, "B");
        newIssue(company, "C");

        String comment = operator().body(Map.of("body", "Duplicate of " + prefix + "-2"))
                .post("/api/issues/{id}/comments", a)
                .then()
                .statusCode(201)
                .body("authorType", equalTo("operator"))
                .extract().path("id");
        operator().get("/api/issues/{id}/references", b)
                .then()
                .body("incoming.issueId", equalTo(List.of(a)))
                .body("incoming[0].source", equalTo("comment"))
                .body("incoming[0].commentId", equalTo(comment));

        operator().body(Map.of("body", "Actually " + prefix + "-3")).patch("/api/comments/{id}", comment)
                .then()
                .statusCode(200);
        operator().get("/api/issues/{id}/references", a)
                .then()
                .body("outgoing.identifier", equalTo(List.of(prefix + "-3")));

        operator().delete("/api/comments/{id}", comment).then().statusCode(204);
        operator().get("/api/issues/{id}/references", a).then().body("outgoing", hasSize(0));
    }

    @Test
    void onlyTheAuthorOrAnOperatorChangesAComment() {
        String company = newCompany();
        String issue = newIssue(company, "discussed");
        String authorKey = newAgentKey(newAgent(company, "author"));
        String otherKey = newAgentKey(newAgent(company, "other"));
        String comment = agent(authorKey).body(Map.of("body", "mine"))
                .post("/api/issues/{id}/comments", issue)
                .then()
                .statusCode(201)
                .body("authorType", equalTo("agent"))
                .extract().path("id");

        agent(otherKey).body(Map.of("body", "hijacked")).patch("/api/comments/{id}", comment).then().statusCode(403);
        agent(otherKey).delete("/api/comments/{id}", comment).then().statusCode(403);
        agent(authorKey).body(Map.of("body", "edited")).patch("/api/comments/{id}", comment).then().statusCode(200);
        operator().get("/api/issues/{id}/comments", issue)
                .then()
                .body("items.body", equalTo(List.of("edited")));
    }

    @Test
    void deletingAnIssueTakesItsCommentsAndReferencesAlong() {
        String prefix = newPrefix();
        String company = dev.cpdb.testing.Api.newCompany(prefix);
        String target = newIssue(company, "target");
        String source = create(company, Map.of("title", "source", "description", "see " + prefix + "-1"));
        String comment = operator().body(Map.of("body", "note")).post("/api/issues/{id}/comments", source)
                .then().statusCode(201).extract().path("id");

        operator().delete("/api/issues/{id}", source).then().statusCode(204);

        operator().get("/api/comments/{id}", comment).then().statusCode(404);
        operator().get("/api/issues/{id}/references", target).then().body("incoming", hasSize(0));
        operator().get("/api/companies/{id}/activity?action=issue.deleted", company)
                .then()
                .body("items[0].details.identifier", equalTo(prefix + "-2"));
    }

    @Test
    void anAgentCannotReachAnotherCompanysIssuesByIdOrIdentifier() {
        String prefix = newPrefix();
        String foreignCompany = dev.cpdb.testing.Api.newCompany(prefix);
        String foreign = newIssue(foreignCompany, "secret plans");
        String key = newAgentKey(newAgent(newCompany(), "spy"));

        agent(key).get("/api/issues/{id}", foreign).then().statusCode(404);
        agent(key).get("/api/issues/{ref}", prefix + "-1").then().statusCode(404);
        agent(key).get("/api/issues/{id}/comments", foreign).then().statusCode(404);
        agent(key).get("/api/issues/{id}/references", foreign).then().statusCode(404);
        agent(key).body(Map.of("body", "hi")).post("/api/issues/{id}/comments", foreign).then().statusCode(404);
        agent(key).body(Map.of("title", "mine now")).patch("/api/issues/{id}", foreign).then().statusCode(404);
        agent(key).get("/api/companies/{id}/activity", foreignCompany).then().statusCode(404);
    }

    private static void assertIds(String company, Map<String, String> query, List<String> expected) {
        List<String> ids = operator().queryParams(query)
                .get("/api/companies/{id}/issues", company)
                .then()
                .statusCode(200)
                .extract().path("items.id");
        assertEquals(expected, ids, query.toString());
    }

    static String newIssue(String company, String title) {
        return create(company, Map.of("title", title));
    }

    static String create(String company, Map<String, Object> body) {
        return operator().body(body)
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(201)
                .extract().path("id");
    }
}
