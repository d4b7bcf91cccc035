package dev.cpdb.issue.reference;

import static dev.cpdb.testing.Api.newPrefix;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.Ids;
import dev.cpdb.cli.UsageException;
import dev.cpdb.database.Database;
import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CommandOutput;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code issue-references backfill}: restores references of text written before the feature (simulated by removing
 * a company's reference rows), in batches, idempotently, and only for the named company when one is named.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class IssueReferenceBackfillCommandTest {

    @Inject
    IssueReferenceBackfillCommand command;

    @Inject
    Database database;

    @Test
    void referencesOfOldTextAreRestoredOnceAndOnlyForTheNamedCompany() throws Exception {
        String prefix = newPrefix();
        String company = Api.newCompany(prefix);
        String a = issue(company, "A", "");
        String b = issue(company, "B", "needs " + prefix + "-1");
        String c = issue(company, "C", "");
        operator().body(Map.of("body", "related to " + prefix + "-1 and " + prefix + "-2"))
                .post("/api/issues/{id}/comments", c)
                .then()
                .statusCode(201);
        String otherPrefix = newPrefix();
        String other = Api.newCompany(otherPrefix);
        issue(other, "X", "");
        String y = issue(other, "Y", "see " + otherPrefix + "-1");
        forgetReferences(company);
        forgetReferences(other);

        CommandOutput.Run first = CommandOutput.run(command, "--company", company, "--batch-size", "2");

        assertEquals(0, first.status());
        assertTrue(first.out().contains("done: 3 issues and 1 comments in 2 batch(es); 3 references added, 0 removed"),
                first.out());
        operator().get("/api/issues/{id}/references", a)
                .then()
                .body("incoming.issueId", equalTo(List.of(b, c)));
        operator().get("/api/issues/{id}/references", y).then().body("outgoing", hasSize(0));

        // One log entry per batch that changed something; the second run changes nothing and logs nothing.
        CommandOutput.Run again = CommandOutput.run(command, "--company", company);
        assertTrue(again.out().contains("0 references added, 0 removed"), again.out());
        operator().get("/api/companies/{id}/activity?action=issue_reference.backfilled", company)
                .then()
                .body("items", hasSize(2))
                .body("items.actorType", equalTo(List.of("system", "system")))
                .body("items.details.added.sum()", equalTo(3));
    }

    @Test
    void wrongArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, () -> command.run(List.of("--company", "acme")));
        assertThrows(UsageException.class, () -> command.run(List.of("--batch-size", "0")));
        assertThrows(UsageException.class, () -> command.run(List.of("--everything")));
        assertThrows(UsageException.class, () -> command.run(List.of("--company")));
        assertThrows(UsageException.class, () -> command.run(List.of("--company", Ids.next().toString())));
    }

    private void forgetReferences(String company) {
        database.pool().preparedQuery("DELETE FROM public.issue_references WHERE company_id = $1")
                .execute(Tuple.of(UUID.fromString(company)))
                .await().atMost(Duration.ofSeconds(10));
    }

    private static String issue(String company, String title, String description) {
        return operator().body(Map.of("title", title, "description", description))
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(201)
                .extract().path("id");
    }
}
