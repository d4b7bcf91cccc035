package dev.cpdb.agent;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Agents, their API keys and what an agent may see, run directly and through PgBouncer by the subclasses.
 * Expectations come from the access rules: an agent sees only its own company, other companies' records
 * answer 404, agents cannot manage keys.
 */
abstract class AgentApiTest {

    @Test
    void anAgentIsCreatedWithDefaultsAndTheCreationIsLogged() {
        String company = newCompany();

        String id = operator().body(Map.of("name", "builder", "role", "engineer", "adapterType", "process"))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .body("status", equalTo("active"))
                .body("adapterConfig", equalTo(Map.of()))
                .body("companyId", equalTo(company))
                .extract().path("id");

        operator().get("/api/companies/{id}/activity?entityId={agent}", company, id)
                .then()
                .body("items", hasSize(1))
                .body("items[0].action", equalTo("agent.created"))
                .body("items[0].entityType", equalTo("agent"));
    }

    @Test
    void twoAgentsOfOneCompanyCannotShareAName() {
        String company = newCompany();
        newAgent(company, "twin");

        operator().body(Map.of("name", "twin", "role", "qa", "adapterType", "process"))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(409)
                .body("detail", containsString("agent with this name"));
    }

    @Test
    void aKeyIsShownOnceAndOnlyItsPrefixIsListed() {
        String company = newCompany();
        String agentId = newAgent(company, "keyholder");

        String key = operator().body(Map.of("name", "laptop"))
                .post("/api/agents/{id}/keys", agentId)
                .then()
                .statusCode(201)
                .body("apiKey.keyPrefix", startsWith("cpdb_ak_"))
                .extract().path("key");

        operator().get("/api/agents/{id}/keys", agentId)
                .then()
                .statusCode(200)
                .body("", hasSize(1))
                .body("[0]", not(hasKey("key")))
                .body("[0].keyPrefix", equalTo(key.substring(0, 14)))
                .body("[0].lastUsedAt", nullValue());
        agent(key).get("/api/companies/{id}", company).then().statusCode(200);
        operator().get("/api/agents/{id}/keys", agentId)
                .then()
                .body("[0].lastUsedAt", notNullValue());
    }

    @Test
    void anAgentSeesOnlyItsOwnCompanyAndOthersAnswer404() {
        String mine = newCompany();
        String other = newCompany();
        String otherAgent = newAgent(other, "stranger");
        String key = newAgentKey(newAgent(mine, "insider"));

        agent(key).get("/api/companies").then().statusCode(200).body("items.id", equalTo(List.of(mine)));
        agent(key).get("/api/companies/{id}", other).then().statusCode(404);
        agent(key).get("/api/companies/{id}/agents", other).then().statusCode(404);
        agent(key).get("/api/agents/{id}", otherAgent).then().statusCode(404);
        agent(key).body(Map.of("name", "intruder", "role", "x", "adapterType", "process"))
                .post("/api/companies/{id}/agents", other)
                .then()
                .statusCode(404);
        agent(key).body(Map.of("name", "renamed"))
                .patch("/api/agents/{id}", otherAgent)
                .then()
                .statusCode(404);
        operator().get("/api/agents/{id}", otherAgent).then().body("name", equalTo("stranger"));
    }

    @Test
    void agentsCannotManageKeysOrCompanies() {
        String company = newCompany();
        String agentId = newAgent(company, "ambitious");
        String key = newAgentKey(agentId);

        agent(key).body(Map.of("name", "more")).post("/api/agents/{id}/keys", agentId).then().statusCode(403);
        agent(key).get("/api/agents/{id}/keys", agentId).then().statusCode(403);
        agent(key).body(Map.of("name", "Mine", "issuePrefix", "MINE")).post("/api/companies").then().statusCode(403);
        agent(key).delete("/api/companies/{id}", company).then().statusCode(403);
    }

    @Test
    void aRevokedKeyStopsWorkingAtOnceAndRevocationIsLogged() {
        String company = newCompany();
        String agentId = newAgent(company, "leaver");
        String key = newAgentKey(agentId);
        String keyId = operator().get("/api/agents/{id}/keys", agentId).path("[0].id");

        operator().delete("/api/agents/{id}/keys/{key}", agentId, keyId).then().statusCode(204);

        agent(key).get("/api/companies/{id}", company).then().statusCode(401);
        operator().get("/api/agents/{id}/keys", agentId).then().body("[0].revokedAt", notNullValue());
        operator().get("/api/companies/{id}/activity?action=agent_api_key.revoked", company)
                .then()
                .body("items", hasSize(1));
    }

    @Test
    void aTerminatedAgentsKeysAreRefused() {
        String company = newCompany();
        String agentId = newAgent(company, "retiree");
        String key = newAgentKey(agentId);

        operator().body(Map.of("status", "terminated")).patch("/api/agents/{id}", agentId).then().statusCode(200);

        agent(key).get("/api/companies/{id}", company).then().statusCode(401);
    }

    @Test
    void anAgentCanCreateColleaguesInItsOwnCompanyAndTheLogNamesIt() {
        String company = newCompany();
        String agentId = newAgent(company, "manager");
        String key = newAgentKey(agentId);

        String hired = agent(key).body(Map.of("name", "hire", "role", "engineer", "adapterType", "http"))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");

        operator().get("/api/companies/{id}/activity?entityId={entity}", company, hired)
                .then()
                .body("items[0].actorType", equalTo("agent"))
                .body("items[0].actorId", equalTo(agentId));
    }

    @Test
    void deletingAnAgentThatIsAssignedIsAConflictAndDeletesNothing() {
        String company = newCompany();
        String agentId = newAgent(company, "busy");
        operator().body(Map.of("title", "work", "assigneeAgentId", agentId))
                .post("/api/companies/{id}/issues", company)
                .then()
                .statusCode(201);

        operator().delete("/api/agents/{id}", agentId)
                .then()
                .statusCode(409)
                .body("detail", containsString("still referenced"));

        operator().get("/api/agents/{id}", agentId).then().statusCode(200);
        operator().get("/api/companies/{id}/activity?action=agent.deleted", company).then().body("items", hasSize(0));
    }

    @Test
    void deletingAnUnreferencedAgentRemovesItsKeys() {
        String company = newCompany();
        String agentId = newAgent(company, "temp");
        String key = newAgentKey(agentId);

        operator().delete("/api/agents/{id}", agentId).then().statusCode(204);

        agent(key).get("/api/companies/{id}", company).then().statusCode(401);
        operator().get("/api/agents/{id}", agentId).then().statusCode(404);
    }

    @Test
    void listingFiltersByStatus() {
        String company = newCompany();
        String paused = newAgent(company, "sleeper");
        newAgent(company, "worker");
        operator().body(Map.of("status", "paused")).patch("/api/agents/{id}", paused).then().statusCode(200);

        operator().get("/api/companies/{id}/agents?status=paused", company)
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(paused)));
        operator().get("/api/companies/{id}/agents", company).then().body("items", hasSize(2));
        operator().get("/api/companies/{id}/agents?status=sleeping", company)
                .then()
                .statusCode(400)
                .body("detail", containsString("active, paused, terminated"));
    }

    @Test
    void anUnknownStatusInABodyIsRefusedWithTheAcceptedWords() {
        String company = newCompany();

        operator().body(Map.of("name", "x", "role", "y", "adapterType", "z", "status", "asleep"))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(400)
                .body("detail", containsString("'status'"))
                .body("detail", containsString("active, paused, terminated"))
                .body("detail", not(containsString("dev.cpdb")));
        operator().get("/api/companies/{id}/agents", company).then().body("items", hasSize(0));
    }

    @Test
    void theLogHasNoUpdateWhenNothingChanged() {
        String company = newCompany();
        String agentId = newAgent(company, "steady");

        operator().body(Map.of("name", "steady")).patch("/api/agents/{id}", agentId).then().statusCode(200);

        operator().get("/api/companies/{id}/activity", company)
                .then()
                .body("items.action", not(hasItem("agent.updated")));
    }
}
