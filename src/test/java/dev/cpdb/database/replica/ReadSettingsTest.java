package dev.cpdb.database.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.DatabaseConfig;
import dev.cpdb.database.DatabaseUrl;

/**
 * The read path's settings (cpdb's design): absent means nothing to check, several replicas are comma-separated, and
 * every refusal names the setting to change.
 */
class ReadSettingsTest {

    private record Read(Optional<String> url, Duration maxStaleness, Duration pollInterval, Duration timeout)
            implements
                DatabaseConfig.Read {

        static Read of(String url) {
            return new Read(Optional.ofNullable(url), Duration.ofSeconds(5), Duration.ofSeconds(1),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutReadUrlsThereIsNoReadPathAndNothingIsChecked() {
        Read unchecked = new Read(Optional.of(" "), Duration.ZERO, Duration.ZERO, Duration.ZERO);

        assertTrue(ReadSettings.resolve(unchecked, true).replicas().isEmpty());
        assertTrue(ReadSettings.resolve(Read.of(null), false).replicas().isEmpty());
    }

    @Test
    void replicasAreCommaSeparatedLibpqUrls() {
        ReadSettings settings = ReadSettings.resolve(Read.of(
                "postgres://cpdb:pw%2Cx@replica-a:6432/cpdb , postgresql://cpdb:pw@replica-b/cpdb?sslmode=require"),
                false);

        assertEquals(List.of("replica-a", "replica-b"), settings.replicas().stream().map(DatabaseUrl::host).toList());
        assertEquals("pw,x", settings.replicas().get(0).password());
        assertEquals(DatabaseUrl.DEFAULT_PORT, settings.replicas().get(1).port());
    }

    @Test
    void refusalsNameTheSettingToChange() {
        String url = "postgres://cpdb:pw@replica:5432/cpdb";
        assertRefused("needs DATABASE_URL", Read.of(url), true);
        assertRefused("DATABASE_READ_URL has an empty entry", Read.of(url + ",," + url), false);
        assertRefused("DATABASE_READ_URL", Read.of("mysql://replica/cpdb"), false);
        assertRefused("DATABASE_READ_MAX_STALENESS", new Read(Optional.of(url), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(5)), false);
        assertRefused("DATABASE_READ_POLL_INTERVAL", new Read(Optional.of(url), Duration.ofSeconds(5),
                Duration.ZERO, Duration.ofSeconds(5)), false);
        assertRefused("DATABASE_READ_TIMEOUT", new Read(Optional.of(url), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(-1)), false);
    }

    private static void assertRefused(String named, Read read, boolean embedded) {
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> ReadSettings.resolve(read, embedded));
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
        assertFalse(refused.getMessage().contains("pw"), "no password in " + refused.getMessage());
    }
}
