package dev.cpdb.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class SettingDefinitionTest {

    private static final SettingDefinition JOBS = SettingDefinition.integer("backup.jobs", "backups", "jobs", 1, 1,
            16);
    private static final SettingDefinition THRESHOLD = SettingDefinition.duration("query-log.slow-threshold",
            "diagnostics", "slow", Duration.ofMillis(500), Duration.ZERO, Duration.ofHours(1));

    @Test
    void keysNameTheirPropertyAndEnvironmentVariable() {
        assertEquals("cpdb.query-log.slow-threshold", THRESHOLD.property());
        assertEquals("CPDB_QUERY_LOG_SLOW_THRESHOLD", THRESHOLD.environmentVariable());
    }

    @Test
    void valuesAreStoredInOneForm() {
        assertEquals("8", JOBS.normalize(" 8 "));
        assertEquals("2s", THRESHOLD.normalize("2000ms"));
        assertEquals("500ms", THRESHOLD.normalize("PT0.5S"));
        assertEquals("true", SettingDefinition.bool("a.b", "g", "d", false).normalize("TRUE"));
        assertEquals("slow", SettingDefinition.choice("a.b", "g", "d", "off", List.of("off", "slow"))
                .normalize("Slow"));
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheRange() {
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> JOBS.normalize("17"));
        assertEquals("backup.jobs is \"17\"; use a whole number from 1 to 16", tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JOBS.normalize("two"));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> THRESHOLD.normalize("2h"));
        assertTrue(tooLong.getMessage().contains("from 0s to 1h"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> THRESHOLD.normalize("soon"));
        assertThrows(IllegalArgumentException.class, () -> THRESHOLD.normalize("-1s"));
        assertThrows(IllegalArgumentException.class,
                () -> SettingDefinition.bool("a.b", "g", "d", false).normalize("yes"));
    }

    @Test
    void pluginSettingsLiveInTheirPluginsNamespaceAndCoreKeysNeverEnterIt() {
        SettingDefinition plugin = SettingDefinition.bool(SettingDefinition.pluginKey("Acme.billing-2", "dry_run"),
                "plugin.Acme.billing-2", "d", false);

        assertTrue(plugin.plugin());
        assertEquals("cpdb-plugin.Acme.billing-2.dry_run", plugin.property());
        assertEquals("CPDB_PLUGIN_ACME_BILLING_2_DRY_RUN", plugin.environmentVariable());
        assertTrue(SettingDefinition.bool("plugin.a.b", "g", "d", true).plugin());
        // Core keys starting with "plugin" could share an environment variable with a plugin's setting.
        for (String key : List.of("plugins.dir", "plugin-x.y", "pluginx.y", "plugin.a.B", "plugin.a.b-c", "plugin..b",
                "plugin.a", "plugin.a.b.", "plugin.-a.b", "plugin." + "k".repeat(129) + ".b")) {
            assertThrows(IllegalArgumentException.class, () -> SettingDefinition.bool(key, "g", "d", true), key);
        }
        assertFalse(JOBS.plugin());
    }

    @Test
    void aDefinitionWhoseDefaultIsOutOfItsRangeCannotBeMade() {
        assertThrows(IllegalArgumentException.class,
                () -> SettingDefinition.integer("a.b", "g", "d", 0, 1, 16));
        assertThrows(IllegalArgumentException.class, () -> SettingDefinition.bool("NoDots", "g", "d", true));
    }
}
