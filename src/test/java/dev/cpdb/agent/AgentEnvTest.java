package dev.cpdb.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.cpdb.problem.InvalidInputException;
import dev.cpdb.secret.SensitiveNames;

/** The shape of an agent's env map and which of its names strict mode treats as sensitive (the issue's rules). */
class AgentEnvTest {

    private static final UUID SECRET = UUID.fromString("0192f3a0-7c1e-7d2a-9b3c-4d5e6f708192");

    @Test
    void inlineValuesAndSecretReferencesAreRead() {
        AgentEnv env = AgentEnv.of(Map.of("env", Map.of(
                "LOG_LEVEL", Map.of("value", "debug"),
                "API_KEY", Map.of("secretId", SECRET.toString(), "version", 2))));

        assertEquals("debug", env.entries().get("LOG_LEVEL").value());
        assertEquals(SECRET, env.entries().get("API_KEY").secretId());
        assertEquals(2, env.entries().get("API_KEY").version());
        assertEquals(Set.of(SECRET), env.secretIds());
    }

    @Test
    void malformedEntriesAreRefusedNamingThePath() {
        assertRefused(Map.of("env", "x"), "adapterConfig.env");
        assertRefused(Map.of("env", Map.of("A", "plain")), "adapterConfig.env.A");
        assertRefused(Map.of("env", Map.of("A", Map.of())), "exactly one of");
        assertRefused(Map.of("env", Map.of("A", Map.of("value", "v", "secretId", SECRET.toString()))), "exactly one");
        assertRefused(Map.of("env", Map.of("A", Map.of("value", 5))), "adapterConfig.env.A.value");
        assertRefused(Map.of("env", Map.of("A", Map.of("secretId", "nope"))), "secretId");
        assertRefused(Map.of("env", Map.of("A", Map.of("secretId", SECRET.toString(), "version", 0))), "version");
        assertRefused(Map.of("env", Map.of("A", Map.of("value", "v", "extra", 1))), "Unknown field");
        assertRefused(Map.of("env", Map.of("1BAD", Map.of("value", "v"))), "not valid");
        assertRefused(Map.of("env", Map.of("A", Map.of("value", "x".repeat(8193)))), "at most 8192");
    }

    @Test
    void sensitiveLookingNamesFollowTheIssuesPatterns() {
        for (String name : List.of("OPENAI_API_KEY", "GITHUB_TOKEN", "token_url", "MY_SECRET_X", "DB_PASSWORD",
                "ssh_key")) {
            assertTrue(SensitiveNames.looksSensitive(name), name);
        }
        for (String name : List.of("LOG_LEVEL", "KEYBOARD", "MONKEY", "PATH")) {
            assertTrue(!SensitiveNames.looksSensitive(name), name);
        }
    }

    @Test
    void onlyNewOrChangedSensitiveInlineValuesCountAsNew() {
        AgentEnv before = AgentEnv.of(Map.of("env", Map.of("OLD_TOKEN", Map.of("value", "kept"))));
        AgentEnv after = AgentEnv.of(Map.of("env", Map.of(
                "OLD_TOKEN", Map.of("value", "kept"),
                "NEW_TOKEN", Map.of("value", "fresh"),
                "LOG_LEVEL", Map.of("value", "info"),
                "REF_TOKEN", Map.of("secretId", SECRET.toString()))));

        assertEquals(List.of("NEW_TOKEN"), after.newSensitiveInlineValues(before));
    }

    private static void assertRefused(Map<String, Object> config, String message) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> AgentEnv.of(config));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
