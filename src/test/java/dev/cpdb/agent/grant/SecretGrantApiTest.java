package dev.cpdb.agent.grant;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.newSecret;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.Ids;

/**
 * Per-secret grants, run directly and through PgBouncer by the subclasses. The issue says agents cannot read secret
 * values of agents' env unless granted; the rest is our design: operators grant and revoke, a reference an operator
 * writes grants it, an agent may refer only to granted secrets, and an env read withholds what the reader may not
 * read instead of failing.
 */
abstract class SecretGrantApiTest {

    private static final String VALUE = "ghp-grant-test-5c1d9e";
    private static final String OTHER_VALUE = "sk-other-grant-8f2a7b";

    @Test
    void anOperatorGrantsListsAndRevokesAndEachChangeIsLogged() {
        String company = newCompany();
        String secret = newSecret(company, "DEPLOY_TOKEN", VALUE);
        String agentId = newAgent(company, "deployer");

        operator().put("/api/secrets/{id}/grants/{agentId}", secret, agentId)
                .then()
                .statusCode(201)
                .body("secretId", equalTo(secret))
                .body("agentId", equalTo(agentId))
                .body("companyId", equalTo(company))
                .body("origin", equalTo("grant"))
                .body("grantedBy", equalTo("operator"));
        operator().put("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(204);
        operator().get("/api/secrets/{id}/grants", secret)
                .then()
                .statusCode(200)
                .body("agentId", equalTo(List.of(agentId)));

        operator().delete("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(204);
        operator().delete("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(204);
        operator().get("/api/secrets/{id}/grants", secret).then().statusCode(200).body("", hasSize(0));

        // Repeated grants and revokes change nothing, so they log nothing.
        operator().get("/api/companies/{id}/activity?entityId={secret}&action=secret.granted", company, secret)
                .then()
                .body("items", hasSize(1))
                .body("items[0].actorType", equalTo("operator"))
                .body("items[0].details.agentId", equalTo(agentId))
                .body("items[0].details.origin", equalTo("grant"));
        operator().get("/api/companies/{id}/activity?entityId={secret}&action=secret.grant_revoked", company, secret)
                .then()
                .body("items", hasSize(1))
                .body("items[0].details.agentId", equalTo(agentId));
        operator().get("/api/companies/{id}/activity", company).then().body(not(containsString(VALUE)));
    }

    @Test
    void grantsAcrossCompaniesOrOfUnknownRecordsAnswer404AndAgentsCannotManageGrants() {
        String company = newCompany();
        String secret = newSecret(company, "SHARED_TOKEN", VALUE);
        String ownAgent = newAgent(company, "insider");
        String foreignAgent = newAgent(newCompany(), "outsider");
        String unknown = Ids.next().toString();

        operator().put("/api/secrets/{id}/grants/{agentId}", secret, foreignAgent)
                .then()
                .statusCode(404)
                .body("detail", containsString(foreignAgent));
        operator().put("/api/secrets/{id}/grants/{agentId}", unknown, ownAgent).then().statusCode(404);
        operator().delete("/api/secrets/{id}/grants/{agentId}", secret, foreignAgent).then().statusCode(404);
        operator().get("/api/secrets/{id}/grants", unknown).then().statusCode(404);
        operator().put("/api/secrets/{id}/grants/{agentId}", secret, "not-a-uuid").then().statusCode(400);

        String key = newAgentKey(ownAgent);
        agent(key).put("/api/secrets/{id}/grants/{agentId}", secret, ownAgent).then().statusCode(403);
        agent(key).get("/api/secrets/{id}/grants", secret).then().statusCode(403);
        agent(key).delete("/api/secrets/{id}/grants/{agentId}", secret, ownAgent).then().statusCode(403);
        operator().get("/api/secrets/{id}/grants", secret).then().body("", hasSize(0));
    }

    @Test
    void anAgentListsItsOwnGrantsButNotAColleaguesAndOperatorsListAnyAgents() {
        String company = newCompany();
        String first = newSecret(company, "FIRST_TOKEN", VALUE);
        String second = newSecret(company, "SECOND_TOKEN", OTHER_VALUE);
        String holder = newAgent(company, "holder");
        String colleague = newAgent(company, "colleague");
        String outsider = newAgent(newCompany(), "outsider");
        operator().put("/api/secrets/{id}/grants/{agentId}", first, holder).then().statusCode(201);
        operator().put("/api/secrets/{id}/grants/{agentId}", second, holder).then().statusCode(201);

        String key = newAgentKey(holder);
        agent(key).get("/api/agents/{id}/secret-grants", holder)
                .then()
                .statusCode(200)
                .body("secretId", equalTo(List.of(first, second)))
                .body("agentId", equalTo(List.of(holder, holder)))
                .body("origin", equalTo(List.of("grant", "grant")))
                .body(not(containsString(VALUE)));
        operator().get("/api/agents/{id}/secret-grants", holder).then().statusCode(200).body("", hasSize(2));
        operator().get("/api/agents/{id}/secret-grants", colleague).then().statusCode(200).body("", hasSize(0));

        agent(key).get("/api/agents/{id}/secret-grants", colleague)
                .then()
                .statusCode(403)
                .body("detail", containsString("only its own"));
        agent(key).get("/api/agents/{id}/secret-grants", outsider).then().statusCode(404);
        operator().get("/api/agents/{id}/secret-grants", Ids.next().toString()).then().statusCode(404);
        agent(key).get("/api/agents/{id}/secret-grants", "not-a-uuid").then().statusCode(400);
    }

    @Test
    void anAgentMayReferToASecretOnlyOnceItHoldsAGrant() {
        String company = newCompany();
        String secret = newSecret(company, "GITHUB_TOKEN", VALUE);
        String agentId = newAgent(company, "self-configuring");
        String key = newAgentKey(agentId);
        Map<String, Object> patch = Map.of("adapterConfig", Map.of("env", Map.of(
                "LOG_LEVEL", Map.of("value", "info"),
                "GITHUB_TOKEN", Map.of("secretId", secret))));

        agent(key).body(patch)
                .patch("/api/agents/{id}", agentId)
                .then()
                .statusCode(403)
                .body("detail", containsString("'GITHUB_TOKEN'"))
                .body("detail", containsString("needs a grant"));
        operator().get("/api/agents/{id}", agentId).then().body("adapterConfig", equalTo(Map.of()));
        operator().get("/api/secrets/{id}/grants", secret).then().body("", hasSize(0));
        agent(key).body(Map.of("name", "created-by-agent", "role", "r", "adapterType", "process", "adapterConfig",
                Map.of("env", Map.of("GITHUB_TOKEN", Map.of("secretId", secret)))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(403)
                .body("detail", containsString("'GITHUB_TOKEN'"));

        operator().put("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(201);

        agent(key).body(patch).patch("/api/agents/{id}", agentId).then().statusCode(200);
        agent(key).get("/api/agents/{id}/env", agentId)
                .then()
                .body("values", equalTo(Map.of("LOG_LEVEL", "info", "GITHUB_TOKEN", VALUE)))
                .body("withheld", hasSize(0));
    }

    @Test
    void anOperatorsNewReferenceGrantsTheSecretButAKeptOneDoesNotUndoARevoke() {
        String company = newCompany();
        String secret = newSecret(company, "OPENAI_API_KEY", VALUE);
        String agentId = newAgent(company, "writer");

        operator().body(Map.of("adapterConfig", envWith("OPENAI_API_KEY", secret, "debug")))
                .patch("/api/agents/{id}", agentId)
                .then()
                .statusCode(200);

        operator().get("/api/secrets/{id}/grants", secret)
                .then()
                .body("agentId", equalTo(List.of(agentId)))
                .body("origin", equalTo(List.of("env_reference")));
        operator().get("/api/companies/{id}/activity?entityId={secret}&action=secret.granted", company, secret)
                .then()
                .body("items", hasSize(1))
                .body("items[0].details.origin", equalTo("env_reference"))
                .body("items[0].details.agentId", equalTo(agentId));

        operator().delete("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(204);
        operator().body(Map.of("adapterConfig", envWith("OPENAI_API_KEY", secret, "info")))
                .patch("/api/agents/{id}", agentId)
                .then()
                .statusCode(200);
        operator().get("/api/secrets/{id}/grants", secret).then().body("", hasSize(0));
    }

    @Test
    void aRevokedGrantWithholdsTheValueFromTheAgentWithoutFailingTheRead() {
        String company = newCompany();
        String secret = newSecret(company, "OPENAI_API_KEY", VALUE);
        String agentId = operator().body(Map.of("name", "model-user", "role", "r", "adapterType", "process",
                "adapterConfig", envWith("OPENAI_API_KEY", secret, "debug")))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");
        String key = newAgentKey(agentId);
        agent(key).get("/api/agents/{id}/env", agentId).then().body("values.OPENAI_API_KEY", equalTo(VALUE));

        operator().delete("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(204);

        agent(key).get("/api/agents/{id}/env", agentId)
                .then()
                .statusCode(200)
                .body("values", equalTo(Map.of("LOG_LEVEL", "debug")))
                .body("withheld", equalTo(List.of(Map.of("name", "OPENAI_API_KEY", "secretId", secret))))
                .body(not(containsString(VALUE)));
        operator().get("/api/agents/{id}/env", agentId)
                .then()
                .body("values.OPENAI_API_KEY", equalTo(VALUE))
                .body("withheld", hasSize(0));
    }

    @Test
    void anotherAgentReadsOnlyTheEntriesWhoseSecretsItHoldsGrantsFor() {
        String company = newCompany();
        String shared = newSecret(company, "SHARED_TOKEN", VALUE);
        String personal = newSecret(company, "PERSONAL_TOKEN", OTHER_VALUE);
        String owner = operator().body(Map.of("name", "owner", "role", "r", "adapterType", "process",
                "adapterConfig", Map.of("env", Map.of(
                        "SHARED_TOKEN", Map.of("secretId", shared),
                        "PERSONAL_TOKEN", Map.of("secretId", personal),
                        "LOG_LEVEL", Map.of("value", "warn")))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");
        String colleague = newAgent(company, "colleague");
        operator().put("/api/secrets/{id}/grants/{agentId}", shared, colleague).then().statusCode(201);
        String outsiderKey = newAgentKey(newAgent(newCompany(), "outsider"));

        agent(newAgentKey(colleague)).get("/api/agents/{id}/env", owner)
                .then()
                .statusCode(200)
                .body("values", equalTo(Map.of("SHARED_TOKEN", VALUE, "LOG_LEVEL", "warn")))
                .body("withheld", equalTo(List.of(Map.of("name", "PERSONAL_TOKEN", "secretId", personal))))
                .body(not(containsString(OTHER_VALUE)));
        agent(outsiderKey).get("/api/agents/{id}/env", owner).then().statusCode(404);
    }

    @Test
    void grantsGoAwayWithTheirAgent() {
        String company = newCompany();
        String secret = newSecret(company, "CI_TOKEN", VALUE);
        String agentId = newAgent(company, "short-lived");
        operator().put("/api/secrets/{id}/grants/{agentId}", secret, agentId).then().statusCode(201);

        operator().delete("/api/agents/{id}", agentId).then().statusCode(204);

        operator().get("/api/secrets/{id}/grants", secret).then().body("", hasSize(0));
        operator().delete("/api/secrets/{id}", secret).then().statusCode(204);
    }

    private static Map<String, Object> envWith(String variable, String secretId, String logLevel) {
        return Map.of("env", Map.of(
                variable, Map.of("secretId", secretId),
                "LOG_LEVEL", Map.of("value", logLevel)));
    }
}
