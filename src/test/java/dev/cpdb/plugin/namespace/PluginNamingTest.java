package dev.cpdb.plugin.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.cpdb.plugin.folder.InvalidPluginException;
import dev.cpdb.plugin.folder.PluginDefinition;
import dev.cpdb.plugin.folder.PluginManifest;

/**
 * Namespace and role names: the rules come from issue 5 (lowercase {@code [a-z0-9_]}, unique, at most 63 bytes, a
 * short hash on collision or truncation) and from PostgreSQL's 63-byte identifier limit (NAMEDATALEN 64).
 */
class PluginNamingTest {

    private static final String VALID_NAME = "[a-z0-9_]+";

    private static PluginDefinition plugin(String key) {
        return plugin(key, null);
    }

    private static PluginDefinition plugin(String key, String slug) {
        try {
            PluginManifest manifest = PluginManifest.parse(("{\"key\": \"" + key + "\", \"version\": \"1\""
                    + (slug == null ? "" : ", \"slug\": \"" + slug + "\"") + "}").getBytes(StandardCharsets.UTF_8));
            return new PluginDefinition(key, manifest, List.of());
        } catch (InvalidPluginException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> assign(PluginDefinition... plugins) {
        return PluginNaming.assign(List.of(plugins), Map.of(), Set.of());
    }

    @Test
    void aLowercaseKeyBecomesItsOwnNamespace() {
        assertEquals("plugin_notes", assign(plugin("notes")).get("notes"));
    }

    @Test
    void uppercaseDotsAndDashesFoldToLowercaseAndUnderscores() {
        assertEquals("plugin_acme_billing_v2", assign(plugin("Acme.Billing--V2")).get("Acme.Billing--V2"));
    }

    @Test
    void anExplicitSlugWins() {
        assertEquals("plugin_ledger", assign(plugin("com.acme.ledger", "ledger")).get("com.acme.ledger"));
    }

    @Test
    void aLongKeyIsShortenedTo63BytesWithAHashAndStaysTheSameOnEveryRun() {
        String key = "a".repeat(60) + "-" + "b".repeat(67);

        String first = assign(plugin(key)).get(key);
        String second = assign(plugin(key)).get(key);

        assertEquals(63, first.getBytes(StandardCharsets.UTF_8).length, first);
        assertTrue(first.matches("plugin_a+_[0-9a-f]{8}"), first);
        assertEquals(first, second);
    }

    @Test
    void twoLongKeysWithTheSamePrefixGetDifferentNames() {
        String one = "x".repeat(100) + "1";
        String two = "x".repeat(100) + "2";

        Map<String, String> names = assign(plugin(one), plugin(two));

        assertNotEquals(names.get(one), names.get(two));
    }

    @Test
    void keysThatOnlyDifferInCaseCollideAndBothGetAHashedName() {
        Map<String, String> names = assign(plugin("acme"), plugin("ACME"));

        assertTrue(names.get("acme").matches("plugin_acme_[0-9a-f]{8}"), names.toString());
        assertTrue(names.get("ACME").matches("plugin_acme_[0-9a-f]{8}"), names.toString());
        assertNotEquals(names.get("acme"), names.get("ACME"));
    }

    @Test
    void theOrderOfPluginsDoesNotChangeTheNames() {
        assertEquals(assign(plugin("a-b"), plugin("a.b"), plugin("c")),
                assign(plugin("c"), plugin("a.b"), plugin("a-b")));
    }

    @Test
    void aRegisteredNameStaysWithItsKeyAndNewcomersGetTheHashedForm() {
        Map<String, String> names = PluginNaming.assign(List.of(plugin("acme"), plugin("Acme")),
                Map.of("acme", "plugin_acme"), Set.of("plugin_acme"));

        assertEquals("plugin_acme", names.get("acme"));
        assertTrue(names.get("Acme").matches("plugin_acme_[0-9a-f]{8}"), names.toString());
    }

    @Test
    void aCompetitorThatWasRegisteredFirstStillCountsSoMigrationOrderDoesNotMatter() {
        Map<String, String> names = PluginNaming.assign(List.of(plugin("acme"), plugin("ACME")),
                Map.of("ACME", "plugin_acme_0badcafe"), Set.of("plugin_acme_0badcafe"));

        assertTrue(names.get("acme").matches("plugin_acme_[0-9a-f]{8}"), names.toString());
        assertEquals(assign(plugin("acme"), plugin("ACME")).get("acme"), names.get("acme"));
    }

    @Test
    void aSchemaThatExistsWithoutBeingRegisteredIsNeverTakenOver() {
        Map<String, String> names = PluginNaming.assign(List.of(plugin("notes")), Map.of(), Set.of("plugin_notes"));

        assertTrue(names.get("notes").matches("plugin_notes_[0-9a-f]{8}"), names.toString());
    }

    @Test
    void rolesAreValidIdentifiersAndDifferBetweenDatabasesOfOneServer() {
        String namespace = "plugin_" + "n".repeat(56);

        String production = PluginNaming.roleName(namespace, "cpdb");
        String staging = PluginNaming.roleName(namespace, "cpdb_staging");

        assertNotEquals(production, staging);
        assertTrue(production.matches(VALID_NAME) && production.length() <= 63, production);
        assertTrue(PluginNaming.roleName("plugin_notes", "cpdb").matches("plugin_notes_[0-9a-f]{8}"));
    }
}
