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

    private record Read(Optional<String> url, Optional<String> directUrl, Duration maxStaleness,
            Duration pollInterval, Duration timeout)
            implements
                DatabaseConfig.Read {

        Read(Optional<String> url, Duration maxStaleness, Duration pollInterval, Duration timeout) {
            this(url, Optional.empty(), maxStaleness, pollInterval, timeout);
        }

        static Read of(String url) {
            return new Read(Optional.ofNullable(url), Duration.ofSeconds(5), Duration.ofSeconds(1),
                    Duration.ofSeconds(5));
        }

        static Read of(String url, String directUrl) {
            return new Read(Optional.ofNullable(url), Optional.ofNullable(directUrl), Duration.ofSeconds(5),
                    Duration.ofSeconds(1), Duration.ofSeconds(5));
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
    void directUrlsGiveEachReplicaItsOwnAddressInTheSameOrder() {
        ReadSettings settings = ReadSettings.resolve(Read.of(
                "postgres://cpdb:pw@replica-a-pooler:6432/cpdb,postgres://cpdb:pw@replica-b-pooler:6432/cpdb",
                "postgres://cpdb:pw@replica-a:5432/cpdb,postgres://cpdb:pw@replica-b:5432/cpdb"), false);

        assertEquals(List.of("replica-a", "replica-b"), settings.directUrls().stream().map(DatabaseUrl::host)
                .toList());
        assertTrue(ReadSettings.resolve(Read.of("postgres://cpdb:pw@replica:5432/cpdb"), false).directUrls()
                .isEmpty());
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
        assertRefused("DATABASE_READ_DIRECT_URL names 2 servers and DATABASE_READ_URL 1",
                Read.of(url, url + "," + url), false);
        assertRefused("DATABASE_READ_DIRECT_URL is set without DATABASE_READ_URL", Read.of(null, url), false);
        assertRefused("DATABASE_READ_DIRECT_URL has an empty entry", Read.of(url + "," + url, url + ","), false);
    }

    private static void assertRefused(String named, Read read, boolean embedded) {
        InvalidConfigurationException refused = assertThrows(InvalidConfigurationException.class,
                () -> ReadSettings.resolve(read, embedded));
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
        assertFalse(refused.getMessage().contains("pw"), "no password in " + refused.getMessage());
    }
}
