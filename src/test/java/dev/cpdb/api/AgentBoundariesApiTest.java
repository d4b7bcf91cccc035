package dev.cpdb.api;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.newSecret;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.simple.SecretValues;
import dev.cpdb.testing.TestPostgres;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * What a hostile agent tries against agents of its own and of another company, run directly and through PgBouncer by
 * the subclasses: bringing back a terminated agent, changing secrets, storing JSON that breaks lists, leaking secret
 * material into PostgreSQL's log, half characters, and a bad backup page size. Expectations come from the rules in
 * the README's "who may do what" ({@code AgentLifecycle}, operator-only secret writes, {@code FreeFormJson}) and
 * from PostgreSQL's logging of failing statements ({@code log_min_error_statement=error}, its default).
 */
abstract class AgentBoundariesApiTest {

    @Inject
    Database database;

    // --- companies ----------------------------------------------------------------------------------------------

    /** Every write an agent may call, aimed at another company's records: nothing changes, nothing leaks. */
    @Test
    void anAgentOfAnotherCompanyChangesNothingThere() {
        String company = newCompany();
        String victim = newAgent(company, "victim");
        String keyId = operator().body(Map.of("name", "k")).post("/api/agents/{id}/keys", victim)
                .then().statusCode(201).extract().path("apiKey.id");
        String project = operator().body(Map.of("name", "P")).post("/api/companies/{id}/projects", company)
                .then().statusCode(201).extract().path("id");
        String goal = operator().body(Map.of("title", "G")).post("/api/companies/{id}/goals", company)
                .then().statusCode(201).extract().path("id");
        String issue = operator().body(Map.of("title", "I")).post("/api/companies/{id}/issues", company)
                .then().statusCode(201).extract().path("id");
        String comment = operator().body(Map.of("body", "C")).post("/api/issues/{id}/comments", issue)
                .then().statusCode(201).extract().path("id");
        int activity = operator().get("/api/companies/{id}/activity?limit=200", company).path("items.size()");
        String strangerKey = newAgentKey(newAgent(newCompany(), "stranger"));
        Map<String, Object> rename = Map.of("name", "taken over");
        Map<String, Object> retitle = Map.of("title", "taken over");

        agent(strangerKey).body(rename).patch("/api/companies/{id}", company).then().statusCode(403);
        agent(strangerKey).delete("/api/agents/{id}/keys/{key}", victim, keyId).then().statusCode(403);
        agent(strangerKey).body(Map.of("name", "mole", "role", "r", "adapterType", "process"))
                .post("/api/companies/{id}/agents", company).then().statusCode(404);
        agent(strangerKey).body(Map.of("status", "terminated")).patch("/api/agents/{id}", victim)
                .then().statusCode(404);
        agent(strangerKey).delete("/api/agents/{id}", victim).then().statusCode(404);
        agent(strangerKey).body(rename).post("/api/companies/{id}/projects", company).then().statusCode(404);
        agent(strangerKey).body(rename).patch("/api/projects/{id}", project).then().statusCode(404);
        agent(strangerKey).delete("/api/projects/{id}", project).then().statusCode(404);
        agent(strangerKey).body(retitle).post("/api/companies/{id}/goals", company).then().statusCode(404);
        agent(strangerKey).body(retitle).patch("/api/goals/{id}", goal).then().statusCode(404);
        agent(strangerKey).delete("/api/goals/{id}", goal).then().statusCode(404);
        agent(strangerKey).body(retitle).post("/api/companies/{id}/issues", company).then().statusCode(404);
        agent(strangerKey).body(retitle).patch("/api/issues/{id}", issue).then().statusCode(404);
        agent(strangerKey).delete("/api/issues/{id}", issue).then().statusCode(404);
        agent(strangerKey).body(Map.of("body", "x")).post("/api/issues/{id}/comments", issue).then().statusCode(404);
        agent(strangerKey).body(Map.of("body", "x")).patch("/api/comments/{id}", comment).then().statusCode(404);
        agent(strangerKey).delete("/api/comments/{id}", comment).then().statusCode(404);

        operator().get("/api/companies/{id}/activity?limit=200", company).then().body("items", hasSize(activity));
        operator().get("/api/agents/{id}", victim).then().body("status", equalTo("active"));
        operator().get("/api/agents/{id}/keys", victim).then().body("[0].revokedAt", equalTo(null));
        operator().get("/api/projects/{id}", project).then().body("name", equalTo("P"));
        operator().get("/api/goals/{id}", goal).then().body("title", equalTo("G"));
        operator().get("/api/issues/{id}", issue).then().body("title", equalTo("I"));
        operator().get("/api/comments/{id}", comment).then().body("body", equalTo("C"));
        operator().get("/api/companies/{id}/agents", company).then().body("items", hasSize(1));
    }

    // --- status transitions -----------------------------------------------------------------------------------

    @Test
    void aColleagueCannotBringBackATerminatedAgentButAnOperatorCan() {
        String company = newCompany();
        String colleagueKey = newAgentKey(newAgent(company, "colleague"));
        String retired = newAgent(company, "retired");
        String retiredKey = newAgentKey(retired);
        String strangerKey = newAgentKey(newAgent(newCompany(), "stranger"));

        operator().body(Map.of("status", "terminated")).patch("/api/agents/{id}", retired).then().statusCode(200);
        agent(retiredKey).get("/api/agents/{id}", retired).then().statusCode(401);

        agent(colleagueKey).body(Map.of("status", "active"))
                .patch("/api/agents/{id}", retired)
                .then()
                .statusCode(403)
                .body("detail", containsString("terminated"));
        agent(colleagueKey).body(Map.of("name", "renamed")).patch("/api/agents/{id}", retired).then().statusCode(403);
        agent(strangerKey).body(Map.of("status", "active")).patch("/api/agents/{id}", retired).then().statusCode(404);
        agent(retiredKey).get("/api/agents/{id}", retired).then().statusCode(401);
        operator().get("/api/agents/{id}", retired).then().body("status", equalTo("terminated"))
                .body("name", equalTo("retired"));

        operator().body(Map.of("status", "active")).patch("/api/agents/{id}", retired).then().statusCode(200);
        agent(retiredKey).get("/api/agents/{id}", retired).then().statusCode(200);
    }

    /** Every status change by the agent itself, by a colleague and by an operator, against the README's table. */
    @Test
    void everyStatusChangeFollowsTheTransitionTable() {
        String company = newCompany();
        String colleagueKey = newAgentKey(newAgent(company, "colleague"));
        // from, to, answer to the agent itself, to a colleague (401: a terminated agent's key no longer works)
        String[][] table = {
                { "active", "paused", "200", "200" },
                { "active", "terminated", "200", "403" },
                { "paused", "active", "403", "200" },
                { "paused", "terminated", "200", "403" },
                { "terminated", "active", "401", "403" },
                { "terminated", "paused", "401", "403" } };
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (String[] row : table) {
            String self = agentWithStatus(company, "self-" + n, row[0]);
            String selfKey = newAgentKey(self);
            check(mismatches, "itself " + row[0] + "->" + row[1], row[2], agent(selfKey), self, row[0], row[1]);
            String other = agentWithStatus(company, "other-" + n, row[0]);
            check(mismatches, "colleague " + row[0] + "->" + row[1], row[3], agent(colleagueKey), other, row[0],
                    row[1]);
            String byOperator = agentWithStatus(company, "operated-" + n, row[0]);
            check(mismatches, "operator " + row[0] + "->" + row[1], "200", operator(), byOperator, row[0], row[1]);
            n++;
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void anAgentMayEndItselfButNotAColleague() {
        String company = newCompany();
        String self = newAgent(company, "leaver");
        String selfKey = newAgentKey(self);
        String colleague = newAgent(company, "stayer");

        agent(selfKey).delete("/api/agents/{id}", colleague).then().statusCode(403);
        operator().get("/api/agents/{id}", colleague).then().statusCode(200);
        agent(newAgentKey(newAgent(newCompany(), "stranger"))).delete("/api/agents/{id}", colleague)
                .then()
                .statusCode(404);

        agent(selfKey).delete("/api/agents/{id}", self).then().statusCode(204);
        operator().get("/api/agents/{id}", self).then().statusCode(404);
    }

    // --- secrets ----------------------------------------------------------------------------------------------

    @Test
    void agentsCannotChangeSecretsWithOrWithoutAGrant() {
        String company = newCompany();
        String secret = newSecret(company, "DEPLOY_TOKEN", "operator-value");
        String grantee = newAgent(company, "grantee");
        operator().body(Map.of("adapterConfig", Map.of("env", Map.of("DEPLOY_TOKEN", Map.of("secretId", secret)))))
                .patch("/api/agents/{id}", grantee)
                .then()
                .statusCode(200);
        String granteeKey = newAgentKey(grantee);
        String attackerKey = newAgentKey(newAgent(company, "attacker"));
        String strangerKey = newAgentKey(newAgent(newCompany(), "stranger"));

        for (String key : List.of(attackerKey, granteeKey, strangerKey)) {
            agent(key).body(Map.of("value", "attacker-value"))
                    .post("/api/secrets/{id}/versions", secret)
                    .then()
                    .statusCode(403)
                    .body("detail", containsString("operators"));
            agent(key).body(Map.of("description", "mine now")).patch("/api/secrets/{id}", secret)
                    .then()
                    .statusCode(403);
            agent(key).delete("/api/secrets/{id}", secret).then().statusCode(403);
        }
        agent(attackerKey).body(Map.of("name", "PLANTED", "value", "x"))
                .post("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(403);

        operator().get("/api/secrets/{id}", secret).then().body("latestVersion", equalTo(1))
                .body("description", equalTo(""));
        agent(granteeKey).get("/api/agents/{id}/env", grantee)
                .then()
                .body("values", equalTo(Map.of("DEPLOY_TOKEN", "operator-value")));
        operator().body(Map.of("value", "rotated-value")).post("/api/secrets/{id}/versions", secret)
                .then()
                .statusCode(201);
        agent(granteeKey).get("/api/agents/{id}/env", grantee)
                .then()
                .body("values", equalTo(Map.of("DEPLOY_TOKEN", "rotated-value")));
    }

    // --- free-form JSON ---------------------------------------------------------------------------------------

    @Test
    void deeplyNestedAdapterConfigIsRefusedAndTheListStaysReadable() {
        String company = newCompany();
        String self = newAgent(company, "nester");
        String key = newAgentKey(self);
        // Nested as deep as the request parser allows: the whole body is 1,000 levels.
        String deep = "{\"adapterConfig\": {\"a\": " + "[".repeat(998) + "]".repeat(998) + "}}";

        agent(key).body(deep)
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400)
                .body("detail", containsString("deeper than " + FreeFormJson.MAX_DEPTH))
                .body("detail.length()", lessThan(300));
        String deepest = "{\"adapterConfig\": {\"a\": " + "[".repeat(FreeFormJson.MAX_DEPTH - 1)
                + "]".repeat(FreeFormJson.MAX_DEPTH - 1) + "}}";
        agent(key).body(deepest).patch("/api/agents/{id}", self).then().statusCode(200);

        agent(key).get("/api/companies/{id}/agents", company).then().statusCode(200).body("items", hasSize(1));
        operator().get("/api/companies/{id}/agents", company).then().statusCode(200);
    }

    @Test
    void adapterConfigOverTheSizeOrEntryLimitIsRefused() {
        String company = newCompany();
        String self = newAgent(company, "hoarder");
        String key = newAgentKey(self);

        agent(key).body(Map.of("adapterConfig", Map.of("blob", "x".repeat(FreeFormJson.MAX_BYTES))))
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400)
                .body("detail", containsString("bytes as JSON"));
        agent(key).body(Map.of("adapterConfig", Map.of("list", new int[FreeFormJson.MAX_ENTRIES + 1])))
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400)
                .body("detail", containsString("members and elements"));
        agent(key).body(Map.of("name", "hoarder", "role", "x", "adapterType", "process", "adapterConfig",
                Map.of("blob", "x".repeat(FreeFormJson.MAX_BYTES))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(400);
        operator().get("/api/agents/{id}", self).then().body("adapterConfig", equalTo(Map.of()));
    }

    /**
     * A record stored before the limits (written here straight into the table) that the JSON writer cannot write:
     * the list answers 500 and says nothing about the request, and the failure is logged once.
     */
    @Test
    void anAnswerThatCannotBeWrittenIsAServerErrorLoggedOnce() throws SQLException {
        String company = newCompany();
        // 998 arrays: readable (999 levels), servable alone (1,000) but not inside a page (1,001).
        String deep = "{\"a\": " + "[".repeat(998) + "]".repeat(998) + "}";
        try (Connection connection = TestPostgres.connect(directUrl());
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO public.agents (id, company_id, name, role, status, adapter_type, adapter_config)
                        VALUES (?, ?, 'legacy', 'engineer', 'active', 'process', ?::jsonb)""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setObject(2, UUID.fromString(company));
            insert.setString(3, deep);
            insert.executeUpdate();
        }
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.cpdb.problem.ProblemMappers");
        logger.addHandler(capture);
        try {
            operator().get("/api/companies/{id}/agents", company)
                    .then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("detail", not(containsString("adapterConfig")));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(1, logged.stream().filter(record -> record.getMessage().contains("could not be written")).count(),
                "log records: " + logged.stream().map(LogRecord::getMessage).toList());
    }

    // --- secret material and statement text -------------------------------------------------------------------

    /**
     * The pool the services use (with its switch to the pooler-safe settings around it) must pass the mark on: a
     * statement marked {@link SecretValues#KEEP_OUT_OF_TEXT} outside a transaction, like the key lookup of every agent
     * request, shows {@code $1} in {@code pg_stat_activity}, never the value.
     */
    @Test
    void theServicesPoolKeepsMarkedValuesOutOfTheStatementText() throws Exception {
        String secret = "secret-" + UUID.randomUUID();
        String text = database.pool()
                .preparedQuery(
                        "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid() AND $1::text IS NOT NULL",
                        SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.of(secret))
                .await().atMost(Duration.ofSeconds(30))
                .iterator().next().getString(0);

        assertFalse(text.contains(secret), text);
        assertTrue(text.contains("$1"), text);
    }

    /**
     * A failing write that carries an inline env value: PostgreSQL logs the failing statement, and with it anything
     * written into the statement's text; the value must not be there, nor in {@code pg_stat_activity}.
     */
    @Test
    void aFailingWriteLeavesNoEnvValueInTheServerLogOrInPgStatActivity() throws Exception {
        String company = newCompany();
        newAgent(company, "taken");
        String self = newAgent(company, "writer");
        String key = newAgentKey(self);
        String sentinel = "sentinel-" + UUID.randomUUID();
        Path log = serverLog();
        long before = Files.size(log);

        agent(key).body(Map.of("name", "taken", "adapterConfig", Map.of("env", Map.of("PLAIN_SETTING",
                Map.of("value", sentinel)))))
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(409);

        String written = readFrom(log, before);
        assertTrue(written.contains("agents_company_name_unique"),
                "the failing statement is in the server log, so the log is the right one:\n" + written);
        assertFalse(written.contains(sentinel), "an env value is in the server log:\n" + written);
        try (Connection connection = TestPostgres.connect(directUrl());
                PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE strpos(query, ?) > 0")) {
            query.setString(1, sentinel);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                assertEquals(0, rows.getInt(1), "an env value is in pg_stat_activity");
            }
        }
    }

    // --- text -------------------------------------------------------------------------------------------------

    @Test
    void loneSurrogatesAreRefusedAndPairsAreKept() {
        String company = newCompany();
        String self = newAgent(company, "writer");
        String key = newAgentKey(self);

        agent(key).body("{\"name\": \"half\\ud800\"}")
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400)
                .body("detail", containsString("lone UTF-16 surrogate"))
                .body("detail", containsString("'name'"));
        agent(key).body("{\"adapterConfig\": {\"note\": \"\\udc00 alone\"}}")
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400)
                .body("detail", containsString("adapterConfig.note"));
        agent(key).body("{\"adapterConfig\": {\"k\\ud800\": 1}}").patch("/api/agents/{id}", self)
                .then()
                .statusCode(400);
        agent(key).body("{\"adapterConfig\": {\"env\": {\"A\": {\"value\": \"x\\ud800\"}}}}")
                .patch("/api/agents/{id}", self)
                .then()
                .statusCode(400);
        agent(key).body("{\"title\": \"t\", \"description\": \"\\ud800\"}")
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(400);
        operator().get("/api/agents/{id}", self).then().body("name", equalTo("writer"))
                .body("adapterConfig", equalTo(Map.of()));

        agent(key).body("{\"name\": \"smile \\ud83d\\ude00\"}").patch("/api/agents/{id}", self)
                .then()
                .statusCode(200);
        operator().get("/api/agents/{id}", self).then().body("name", equalTo("smile \uD83D\uDE00"));
    }

    // --- backups ----------------------------------------------------------------------------------------------

    @Test
    void aBackupPageSizeThatIsNotANumberIsABadRequest() {
        for (String limit : List.of("abc", "1.5", "-1", "0", "101", "99999999999")) {
            operator().queryParam("limit", limit).get("/api/db/backups")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("limit"));
        }
        operator().get("/api/db/backups?limit=5").then().statusCode(200);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private static String agentWithStatus(String company, String name, String status) {
        return operator().body(Map.of("name", name, "role", "engineer", "adapterType", "process", "status", status))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");
    }

    private static void check(List<String> mismatches, String what, String expected,
            io.restassured.specification.RequestSpecification caller, String agentId, String from, String to) {
        int status = caller.body(Map.of("status", to)).patch("/api/agents/{id}", agentId).statusCode();
        String now = operator().get("/api/agents/{id}", agentId).path("status");
        String wanted = expected.equals("200") ? to : from;
        if (status != Integer.parseInt(expected) || !now.equals(wanted)) {
            mismatches.add(what + ": answered " + status + " (expected " + expected + "), status now " + now);
        }
    }

    /** The URL of the database itself, not of a pooler in front of it. */
    static DatabaseUrl directUrl() {
        var config = ConfigProvider.getConfig();
        String url = config.getOptionalValue("database.migration-url", String.class)
                .orElseGet(() -> config.getValue("database.url", String.class));
        return DatabaseUrl.parse("database.url", url);
    }

    /** The server's log file: the embedded server writes it next to its data folder. */
    private static Path serverLog() throws SQLException {
        try (Connection connection = TestPostgres.connect(directUrl());
                var statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW data_directory")) {
            rows.next();
            return Path.of(rows.getString(1)).getParent().resolve("postgres.log");
        }
    }

    private static String readFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) (in.length() - offset)];
            in.seek(offset);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
