package dev.cpdb.plugin.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The manifest rules of our own design (README, "Plugin folders"): strict JSON, keys that are safe in URLs, paths
 * that stay inside the plugin folder.
 */
class PluginManifestTest {

    private static PluginManifest parse(String json) throws InvalidPluginException {
        return PluginManifest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String rejection(String json) {
        return assertThrows(InvalidPluginException.class, () -> parse(json)).getMessage();
    }

    @Test
    void aCompleteManifestIsReadWithEveryField() throws Exception {
        PluginManifest manifest = parse("""
                {"key": "Acme.Billing-2", "version": "2.1.0", "slug": "billing", "migrations": "db/migrations",
                 "readCoreTables": ["companies"]}
                """);

        assertEquals("Acme.Billing-2", manifest.key());
        assertEquals("2.1.0", manifest.version());
        assertEquals(Optional.of("billing"), manifest.slug());
        assertEquals("db/migrations", manifest.migrations());
        assertTrue(manifest.migrationsDeclared());
        assertEquals(List.of("companies"), manifest.readCoreTables());
    }

    @Test
    void optionalFieldsDefaultToNoSlugTheMigrationsFolderAndNoReads() throws Exception {
        PluginManifest manifest = parse("{\"key\": \"notes\", \"version\": \"1\"}");

        assertEquals(Optional.empty(), manifest.slug());
        assertEquals("migrations", manifest.migrations());
        assertFalse(manifest.migrationsDeclared());
        assertEquals(List.of(), manifest.readCoreTables());
    }

    @Test
    void anUnknownFieldIsRefusedByNameSoTyposNeverPassSilently() {
        String message = rejection("{\"key\": \"notes\", \"version\": \"1\", \"readCoreTable\": [\"companies\"]}");

        assertTrue(message.contains("unknown field 'readCoreTable'"), message);
    }

    @Test
    void aFieldGivenTwiceIsRefused() {
        assertTrue(rejection("{\"key\": \"a\", \"key\": \"b\", \"version\": \"1\"}").contains("not valid JSON"));
    }

    @Test
    void aNumberWhereAStringBelongsIsRefusedInsteadOfConverted() {
        assertTrue(rejection("{\"key\": \"notes\", \"version\": 1.0}").contains("version must be a JSON string"));
    }

    @Test
    void keyAndVersionAreRequired() {
        assertTrue(rejection("{\"version\": \"1\"}").contains("must set 'key'"));
        assertTrue(rejection("{\"key\": \"notes\"}").contains("must set 'version'"));
    }

    @Test
    void contentAfterTheObjectIsRefused() {
        assertTrue(rejection("{\"key\": \"notes\", \"version\": \"1\"} {}").contains("not valid JSON"));
    }

    @Test
    void keysWithPathSeparatorsDotsFirstSpacesOrNonAsciiLettersAreRefusedWhateverTheirMeaning() {
        for (String key : List.of("../etc", "a/b", ".hidden", "-dash", "with space", "caf\u00e9",
                "\u043a\u043b\u044e\u0447",
                "a\\b", "")) {
            String message = rejection("{\"key\": \"" + key.replace("\\", "\\\\") + "\", \"version\": \"1\"}");
            assertTrue(message.contains("is not valid") || message.contains("must set"), key + ": " + message);
        }
    }

    @Test
    void aRejectedKeyIsShownWithNonAsciiCharactersEscaped() {
        String message = rejection("{\"key\": \"caf\u00e9\\n\", \"version\": \"1\"}");

        assertTrue(message.contains("caf\\u00e9\\u000a"), message);
    }

    @Test
    void keysAreLimitedTo128Characters() throws Exception {
        String longest = "k".repeat(128);

        assertEquals(longest, parse("{\"key\": \"" + longest + "\", \"version\": \"1\"}").key());
        rejection("{\"key\": \"" + longest + "k\", \"version\": \"1\"}");
    }

    @Test
    void uppercaseKeysAreValidAndKeptAsWritten() throws Exception {
        assertEquals("ACME", parse("{\"key\": \"ACME\", \"version\": \"1\"}").key());
    }

    @Test
    void anExplicitSlugMustAlreadyBeALowercaseIdentifierThatFits() {
        for (String slug : List.of("Billing", "bill-ing", "_billing", "b".repeat(57), "")) {
            assertTrue(rejection("{\"key\": \"a\", \"version\": \"1\", \"slug\": \"" + slug + "\"}")
                    .contains("slug"), slug);
        }
    }

    @Test
    void theMigrationsPathMustBeRelativeWithoutDotDotSegments() {
        for (String path : List.of("/etc", "../other", "db/../../x", "./migrations", "db//x", "C:/x", "db\\\\x",
                "db/")) {
            String message = rejection("{\"key\": \"a\", \"version\": \"1\", \"migrations\": \"" + path + "\"}");
            assertTrue(message.startsWith("migrations"), path + ": " + message);
        }
    }

    @Test
    void readCoreTablesNamesPlainTablesAndNeverCpdbsOwnBookkeeping() {
        assertTrue(rejection("{\"key\": \"a\", \"version\": \"1\", \"readCoreTables\": [\"public.companies\"]}")
                .contains("not a core table name"));
        assertTrue(rejection("{\"key\": \"a\", \"version\": \"1\", \"readCoreTables\": [\"plugin_migrations\"]}")
                .contains("bookkeeping"));
        assertTrue(rejection("{\"key\": \"a\", \"version\": \"1\", \"readCoreTables\": [\"a\", \"a\"]}")
                .contains("twice"));
        assertTrue(rejection("{\"key\": \"a\", \"version\": \"1\", \"readCoreTables\": \"companies\"}")
                .contains("must be an array"));
    }
}
