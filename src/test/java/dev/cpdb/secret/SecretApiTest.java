package dev.cpdb.secret;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.newSecret;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Company secrets and agent environments, run directly and through PgBouncer by the subclasses. The API test profiles
 * run with strict mode on. Expectations come from the issue: values encrypted at rest, versioned, never in lists or
 * logs; references must name secrets of the company; strict mode answers 422 naming the key.
 */
abstract class SecretApiTest {

    private static final String VALUE = "sk-test-7b1f0c2e9d";

    @Inject
    Database database;

    @Test
    void aSecretIsStoredEncryptedAndListedWithoutItsValue() {
        String company = newCompany();

        String id = operator().body(Map.of("name", "OPENAI_API_KEY", "description", "model access", "value", VALUE))
                .post("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(201)
                .body("latestVersion", equalTo(1))
                .body("$", not(hasKey("value")))
                .extract().path("id");

        operator().get("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0]", not(hasKey("value")))
                .body(not(containsString(VALUE)));
        Row stored = database.pool()
                .preparedQuery(
                        "SELECT ciphertext, key_fingerprint FROM public.company_secret_versions WHERE secret_id = $1")
                .execute(Tuple.of(UUID.fromString(id)))
                .await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        String ciphertext = new String(stored.getBuffer("ciphertext").getBytes(), StandardCharsets.ISO_8859_1);
        assertFalse(ciphertext.contains(VALUE), "the value must not be stored in clear");
        assertEquals(16, stored.getString("key_fingerprint").length());
        operator().get("/api/companies/{id}/activity", company).then().body(not(containsString(VALUE)));
    }

    @Test
    void aDescriptionIsKeptExactlyAsSentLikeTheDescriptionsOfOtherRecords() {
        String company = newCompany();
        String id = operator().body(Map.of("name", "PADDED", "description", "  model access\n", "value", VALUE))
                .post("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(201)
                .body("description", equalTo("  model access\n"))
                .extract().path("id");

        operator().body(Map.of("description", " billing "))
                .patch("/api/secrets/{id}", id)
                .then()
                .statusCode(200)
                .body("description", equalTo(" billing "));
    }

    @Test
    void rotationAddsAVersionAndEveryVersionStaysReadable() {
        String company = newCompany();
        String id = newSecret(company, "DB_PASSWORD", "first");

        operator().body(Map.of("value", "second"))
                .post("/api/secrets/{id}/versions", id)
                .then()
                .statusCode(201)
                .body("latestVersion", equalTo(2));

        operator().get("/api/secrets/{id}/value", id).then().statusCode(200).body("value", equalTo("second"))
                .body("version", equalTo(2));
        operator().get("/api/secrets/{id}/value?version=1", id).then().body("value", equalTo("first"));
        operator().get("/api/secrets/{id}/value?version=3", id).then().statusCode(404);
        operator().get("/api/secrets/{id}/value?version=0", id).then().statusCode(400);
        operator().get("/api/companies/{id}/activity?action=secret.rotated", company)
                .then()
                .body("items[0].details.version", equalTo(2));
    }

    @Test
    void agentsCannotReadSecretValuesDirectly() {
        String company = newCompany();
        String id = newSecret(company, "TOKEN", VALUE);
        String key = newAgentKey(newAgent(company, "curious"));

        agent(key).get("/api/secrets/{id}", id).then().statusCode(200).body("$", not(hasKey("value")));
        agent(key).get("/api/secrets/{id}/value", id).then().statusCode(403);
    }

    @Test
    void anAgentsEnvironmentResolvesSecretReferencesForOperatorsAndForAgentsHoldingAGrant() {
        String company = newCompany();
        String secret = newSecret(company, "GITHUB_TOKEN", VALUE);
        String agentId = operator().body(Map.of("name", "coder", "role", "engineer", "adapterType", "process",
                "adapterConfig", Map.of("command", "run-agent", "env", Map.of(
                        "LOG_LEVEL", Map.of("value", "debug"),
                        "GITHUB_TOKEN", Map.of("secretId", secret)))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .body("adapterConfig.env.GITHUB_TOKEN.secretId", equalTo(secret))
                .body(not(containsString(VALUE)))
                .extract().path("id");
        String ownKey = newAgentKey(agentId);
        String colleagueKey = newAgentKey(newAgent(company, "colleague"));

        // The operator wrote the reference, which grants the secret to the agent (our design).
        Map<String, Object> expected = Map.of("values", Map.of("LOG_LEVEL", "debug", "GITHUB_TOKEN", VALUE),
                "withheld", List.of());
        operator().get("/api/agents/{id}/env", agentId).then().statusCode(200).body("", equalTo(expected));
        agent(ownKey).get("/api/agents/{id}/env", agentId).then().statusCode(200).body("", equalTo(expected));
        agent(colleagueKey).get("/api/agents/{id}/env", agentId)
                .then()
                .statusCode(200)
                .body("values", equalTo(Map.of("LOG_LEVEL", "debug")))
                .body("withheld", equalTo(List.of(Map.of("name", "GITHUB_TOKEN", "secretId", secret))))
                .body(not(containsString(VALUE)));
        operator().get("/api/companies/{id}/agents", company).then().body(not(containsString(VALUE)));
    }

    @Test
    void aPinnedVersionStaysResolvedToThatVersion() {
        String company = newCompany();
        String secret = newSecret(company, "API_KEY", "v1-value");
        operator().body(Map.of("value", "v2-value")).post("/api/secrets/{id}/versions", secret).then().statusCode(201);
        String agentId = operator().body(Map.of("name", "pinned", "role", "r", "adapterType", "process",
                "adapterConfig", Map.of("env", Map.of(
                        "OLD_KEY", Map.of("secretId", secret, "version", 1),
                        "NEW_KEY", Map.of("secretId", secret)))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");

        operator().get("/api/agents/{id}/env", agentId)
                .then()
                .body("values.OLD_KEY", equalTo("v1-value"))
                .body("values.NEW_KEY", equalTo("v2-value"));
    }

    @Test
    void strictModeRefusesASensitiveInlineValueNamingTheKey() {
        String company = newCompany();

        operator().body(Map.of("name", "leaky", "role", "r", "adapterType", "process",
                "adapterConfig", Map.of("env", Map.of("OPENAI_API_KEY", Map.of("value", VALUE)))))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("OPENAI_API_KEY"));
        operator().get("/api/companies/{id}/agents", company).then().body("items", hasSize(0));
    }

    @Test
    void referencesToSecretsOfAnotherCompanyOrMissingVersionsAreRefused() {
        String company = newCompany();
        String foreign = newSecret(newCompany(), "SHARED_TOKEN", VALUE);
        String own = newSecret(company, "OWN_TOKEN", VALUE);

        operator().body(agentWithRef("thief", foreign, null))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("does not exist in this company"));
        operator().body(agentWithRef("future", own, 5))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("latest version is 1"));
    }

    @Test
    void aSecretAnAgentRefersToCannotBeDeletedUntilTheReferenceIsGone() {
        String company = newCompany();
        String secret = newSecret(company, "SERVICE_TOKEN", VALUE);
        String agentId = operator().body(agentWithRef("user", secret, null))
                .post("/api/companies/{id}/agents", company)
                .then()
                .statusCode(201)
                .extract().path("id");

        operator().delete("/api/secrets/{id}", secret)
                .then()
                .statusCode(409)
                .body("detail", containsString("agent environment"));

        operator().body(Map.of("adapterConfig", Map.of()))
                .patch("/api/agents/{id}", agentId)
                .then()
                .statusCode(200);
        operator().delete("/api/secrets/{id}", secret).then().statusCode(204);
        operator().get("/api/secrets/{id}", secret).then().statusCode(404);
    }

    @Test
    void aDuplicateSecretNameIsAConflict() {
        String company = newCompany();
        newSecret(company, "ONCE", VALUE);

        operator().body(Map.of("name", "ONCE", "value", "again"))
                .post("/api/companies/{id}/secrets", company)
                .then()
                .statusCode(409)
                .body("detail", containsString("secret with this name"));
    }

    private static Map<String, Object> agentWithRef(String name, String secretId, Integer version) {
        Map<String, Object> ref = version == null ? Map.of("secretId", secretId)
                : Map.of("secretId", secretId, "version", version);
        return Map.of("name", name, "role", "r", "adapterType", "process",
                "adapterConfig", Map.of("env", Map.of("SOME_TOKEN", ref)));
    }
}
