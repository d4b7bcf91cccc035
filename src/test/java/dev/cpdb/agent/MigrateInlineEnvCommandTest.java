package dev.cpdb.agent;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CommandOutput;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code secrets migrate-inline-env}: a dry run only reports, {@code --apply} moves sensitive inline values into
 * secrets that the agent's environment then refers to, and neither ever prints a value. The inline values are
 * written straight into the table, as agents written before strict mode have them.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class MigrateInlineEnvCommandTest {

    private static final String VALUE = "sk-inline-0c5e7f3a91";

    @Inject
    MigrateInlineEnvCommand command;

    @Inject
    Database database;

    @Test
    void aDryRunReportsAndApplyMovesTheValuesIntoSecrets() throws Exception {
        String company = newCompany();
        UUID agent = insertAgent(company, "legacy bot", Map.of(
                "OPENAI_API_KEY", VALUE,
                "LOG_LEVEL", "debug"));

        CommandOutput.Run dryRun = CommandOutput.run(command);

        assertEquals(0, dryRun.status());
        assertTrue(dryRun.out().contains(agent + " (legacy bot, company " + company + "): would move OPENAI_API_KEY"),
                dryRun.out());
        assertFalse(dryRun.out().contains(VALUE), "values are never printed");
        operator().get("/api/agents/{id}", agent).then().body("adapterConfig.env.OPENAI_API_KEY.value", equalTo(VALUE));

        CommandOutput.Run applied = CommandOutput.run(command, "--apply");

        assertTrue(applied.out().contains("moved OPENAI_API_KEY into secret 'OPENAI_API_KEY'"), applied.out());
        assertFalse(applied.out().contains(VALUE), "values are never printed");
        operator().get("/api/agents/{id}", agent)
                .then()
                .body("adapterConfig.env.LOG_LEVEL.value", equalTo("debug"))
                .body("adapterConfig.env.OPENAI_API_KEY.secretId", org.hamcrest.Matchers.notNullValue());
        operator().get("/api/agents/{id}/env", agent)
                .then()
                .body("values", equalTo(Map.of("OPENAI_API_KEY", VALUE, "LOG_LEVEL", "debug")));
        String secret = operator().get("/api/companies/{id}/secrets", company)
                .then()
                .body("items", hasSize(1))
                .extract().path("items[0].id");
        operator().get("/api/secrets/{id}/grants", secret)
                .then()
                .body("agentId", equalTo(List.of(agent.toString())))
                .body("origin", equalTo(List.of("inline_env_migration")));
        agent(newAgentKey(agent.toString())).get("/api/agents/{id}/env", agent)
                .then()
                .body("values.OPENAI_API_KEY", equalTo(VALUE))
                .body("withheld", hasSize(0));
        operator().get("/api/companies/{id}/activity?action=agent.updated", company)
                .then()
                .body("items[0].actorType", equalTo("system"))
                .body("items[0].details.movedToSecrets", equalTo(List.of("OPENAI_API_KEY")));

        CommandOutput.Run again = CommandOutput.run(command, "--apply");
        assertFalse(again.out().contains(agent.toString()), "nothing left to move for the agent: " + again.out());
    }

    @Test
    void aTakenSecretNameGetsTheAgentsNameInFront() throws Exception {
        String company = newCompany();
        operator().body(Map.of("name", "GITHUB_TOKEN", "value", "existing"))
                .post("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(201);
        UUID agent = insertAgent(company, "ci runner", Map.of("GITHUB_TOKEN", VALUE));

        CommandOutput.Run applied = CommandOutput.run(command, "--apply");

        assertTrue(applied.out().contains("moved GITHUB_TOKEN into secret 'ci-runner.GITHUB_TOKEN'"), applied.out());
        operator().get("/api/agents/{id}/env", agent).then().body("values.GITHUB_TOKEN", equalTo(VALUE));
    }

    @Test
    void unknownArgumentsAreUsageErrors() {
        assertThrows(UsageException.class, () -> command.run(List.of("--force")));
    }

    private UUID insertAgent(String company, String name, Map<String, String> inline) {
        JsonObject env = new JsonObject();
        inline.forEach((key, value) -> env.put(key, JsonObject.of("value", value)));
        UUID id = Ids.next();
        database.pool().preparedQuery("""
                INSERT INTO public.agents (id, company_id, name, role, adapter_type, adapter_config)
                VALUES ($1, $2, $3, 'engineer', 'process', $4)""")
                .execute(Tuple.of(id, UUID.fromString(company), name, JsonObject.of("env", env)))
                .await().atMost(Duration.ofSeconds(10));
        return id;
    }
}
