package dev.cpdb.plugin.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.settings.SettingDefinition;
import dev.cpdb.settings.SettingDefinition.Kind;
import dev.cpdb.testing.PluginFixtures;
import io.smallrye.config.EnvConfigSource;

/**
 * The settings a plugin declares in its manifest, by our own design (README, "Plugin settings"): typed and bounded,
 * in the plugin's own namespace, and refused with a message naming the plugin, the setting and what to fix, since the
 * folder may be written by someone hostile.
 */
class ManifestSettingsTest {

    private static PluginManifest parse(String settings) throws InvalidPluginException {
        return PluginManifest.parse(("{\"key\": \"Acme.billing\", \"version\": \"1\", \"settings\": " + settings + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String rejection(String settings) {
        return assertThrows(InvalidPluginException.class, () -> parse(settings)).getMessage();
    }

    @Test
    void everyTypeIsReadIntoADefinitionInThePluginsNamespace() throws Exception {
        List<SettingDefinition> settings = parse("""
                [{"key": "batch_size", "type": "integer", "min": 1, "max": 1000, "default": 100,
                  "description": "Invoices per run"},
                 {"key": "mode", "type": "choice", "choices": ["fast", "safe"], "default": "safe",
                  "description": "How to send"},
                 {"key": "timeout", "type": "duration", "min": "1s", "max": "10m", "default": "PT30S",
                  "description": "Per call"},
                 {"key": "enabled", "type": "boolean", "default": false, "description": "On or off"},
                 {"key": "api_token", "type": "text", "sensitive": true, "description": "Token of the provider"}]
                """).settings();

        assertEquals(5, settings.size());
        SettingDefinition batch = settings.get(0);
        assertEquals("plugin.Acme.billing.batch_size", batch.key());
        assertEquals("plugin.Acme.billing", batch.group());
        assertEquals(Kind.INTEGER, batch.kind());
        assertEquals("100", batch.defaultValue());
        assertEquals("a whole number from 1 to 1000", batch.range());
        assertEquals("one of fast, safe", settings.get(1).range());
        assertEquals("30s", settings.get(2).defaultValue());
        assertEquals("false", settings.get(3).defaultValue());
        assertTrue(settings.get(4).sensitive());
        assertEquals(null, settings.get(4).defaultValue());
        assertEquals("CPDB_PLUGIN_ACME_BILLING_API_TOKEN", settings.get(4).environmentVariable());
    }

    @Test
    void theEnvironmentVariableIsTheOneTheConfigurationFindsForTheProperty() {
        SettingDefinition token = SettingDefinition.text(SettingDefinition.pluginKey("Acme.billing-2", "api_token"),
                "plugin.Acme.billing-2", "Token", null, true, null);
        EnvConfigSource environment = new EnvConfigSource(Map.of(token.environmentVariable(), "from-env"), 300);

        assertEquals("CPDB_PLUGIN_ACME_BILLING_2_API_TOKEN", token.environmentVariable());
        assertEquals("from-env", environment.getValue(token.property()));
    }

    @Test
    void aBadDeclarationIsRefusedNamingThePluginTheSettingAndTheFix() {
        assertEquals("plugin Acme.billing, setting size: an integer setting needs min and max",
                rejection("[{\"key\": \"size\", \"type\": \"integer\", \"description\": \"d\"}]"));
        assertTrue(rejection("[{\"key\": \"size\", \"type\": \"integer\", \"min\": 5, \"max\": 1, "
                + "\"description\": \"d\"}]").contains("setting size: min is above max"));
        assertTrue(rejection("[{\"key\": \"size\", \"type\": \"integer\", \"min\": 1, \"max\": 9, \"default\": 10, "
                + "\"description\": \"d\"}]").contains("use a whole number from 1 to 9"));
        assertTrue(rejection("[{\"key\": \"size\", \"type\": \"integer\", \"min\": 1, \"max\": 9, \"default\": \"5\", "
                + "\"description\": \"d\"}]").contains("must be a whole JSON number"));
        assertTrue(rejection("[{\"key\": \"size\", \"type\": \"number\", \"description\": \"d\"}]")
                .contains("setting size: type must be one of boolean, integer, duration, choice, text"));
        assertTrue(rejection("[{\"key\": \"mode\", \"type\": \"choice\", \"choices\": [\"Fast\"], "
                + "\"description\": \"d\"}]").contains("not 'Fast'"));
        assertTrue(rejection("[{\"key\": \"wait\", \"type\": \"duration\", \"min\": \"0s\", \"max\": \"soon\", "
                + "\"description\": \"d\"}]").contains("setting wait: max must be a duration"));
        assertTrue(rejection("[{\"key\": \"flag\", \"type\": \"boolean\", \"description\": \"d\", \"secret\": true}]")
                .contains("setting flag: unknown field 'secret'"));
        assertTrue(rejection("[{\"key\": \"flag\", \"type\": \"boolean\"}]").contains("setting flag: description"));
    }

    @Test
    void sensitiveSettingsAreTextWithoutADefault() {
        assertTrue(rejection("[{\"key\": \"pin\", \"type\": \"integer\", \"min\": 0, \"max\": 9, \"sensitive\": true, "
                + "\"description\": \"d\"}]").contains("only text settings can be sensitive"));
        String message = rejection("[{\"key\": \"token\", \"type\": \"text\", \"sensitive\": true, "
                + "\"default\": \"hunter2-token\", \"description\": \"d\"}]");
        assertTrue(message.contains("cannot have a default"), message);
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void keysFollowAStrictGrammarSoNothingLeavesThePluginsNamespace() {
        for (String key : List.of("Upper", "dotted.name", "dash-name", "1digit", "", "x".repeat(64),
                "../core", "query-log.level")) {
            String message = rejection("[{\"key\": \"" + key + "\", \"type\": \"boolean\", \"description\": \"d\"}]");
            assertTrue(message.startsWith("plugin Acme.billing, settings[0]: key must be"), key + ": " + message);
        }
        assertTrue(rejection("[{\"key\": \"a\", \"type\": \"boolean\", \"description\": \"d\"}, "
                + "{\"key\": \"a\", \"type\": \"text\", \"description\": \"d\"}]")
                .contains("setting a: declared twice"));
    }

    @Test
    void countsAndSizesAreBounded() {
        String many = "[" + String.join(", ", java.util.Collections.nCopies(51,
                "{\"key\": \"a\", \"type\": \"boolean\", \"description\": \"d\"}")) + "]";
        assertTrue(rejection(many).contains("at most 50 settings"));
        assertTrue(rejection("[{\"key\": \"a\", \"type\": \"boolean\", \"description\": \"" + "d".repeat(501) + "\"}]")
                .contains("description must be 1 to 500 characters"));
        assertTrue(rejection("[{\"key\": \"a\", \"type\": \"integer\", \"min\": 0, \"max\": 1e30, "
                + "\"description\": \"d\"}]").contains("max must be a whole number"));
        assertTrue(rejection("{\"a\": {}}").contains("settings must be an array"));
    }

    @Test
    void twoPluginsWhoseSettingsShareAnEnvironmentVariableAreBothRejected() {
        Path folder = PluginFixtures.pluginsFolder();
        String setting = "[{\"key\": \"%s\", \"type\": \"boolean\", \"description\": \"d\"}]";
        PluginFixtures.writePlugin(folder, "one", "{\"key\": \"a.b\", \"version\": \"1\", \"settings\": "
                + setting.formatted("c") + "}");
        PluginFixtures.writePlugin(folder, "two", "{\"key\": \"a\", \"version\": \"1\", \"settings\": "
                + setting.formatted("b_c") + "}");
        PluginFixtures.writePlugin(folder, "three", "{\"key\": \"other\", \"version\": \"1\", \"settings\": "
                + setting.formatted("c") + "}");

        PluginCatalog catalog = PluginFolders.scan(folder);

        assertEquals(List.of("other"), catalog.plugins().stream().map(PluginDefinition::key).toList());
        assertEquals(List.of("one", "two"), catalog.rejected().stream().map(RejectedPlugin::folderName).toList());
        String reason = catalog.rejected().get(0).reason();
        assertTrue(reason.contains("plugin.a.b.c") && reason.contains("plugin.a.b_c"), reason);
        assertTrue(reason.contains("one environment variable; rename one"), reason);
    }
}
