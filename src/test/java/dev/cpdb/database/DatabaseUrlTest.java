package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cpdb.InvalidConfigurationException;

/** Expectations follow libpq's connection URI rules (PostgreSQL docs, "Connection URIs"). */
class DatabaseUrlTest {

    @Test
    void aFullUrlIsSplitIntoItsParts() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL",
                "postgres://app:s3cret@db.example.com:6543/control?sslmode=require&application_name=cp");

        assertEquals("db.example.com", url.host());
        assertEquals(6543, url.port());
        assertEquals("control", url.database());
        assertEquals("app", url.user());
        assertEquals("s3cret", url.password());
        assertEquals("require", url.sslMode());
        assertEquals(Map.of("sslmode", "require", "application_name", "cp"), url.options());
    }

    @Test
    void thePostgresqlSchemeIsAcceptedToo() {
        assertEquals("h", DatabaseUrl.parse("DATABASE_URL", "postgresql://u@h/d").host());
    }

    @Test
    void percentEncodedCredentialsAreDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://us%40er:p%3Aw%2Fd%23x+y@h:5432/db%20name");

        assertEquals("us@er", url.user());
        assertEquals("p:w/d#x+y", url.password());
        assertEquals("db name", url.database());
    }

    @Test
    void missingPortAndDatabaseTakeLibpqDefaults() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://alice:pw@localhost");

        assertEquals(5432, url.port());
        assertEquals("alice", url.database(), "libpq uses the user name as database name when none is given");
        assertEquals("prefer", url.sslMode(), "libpq's default sslmode");
    }

    @Test
    void ipv6HostsInBracketsAreSupported() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://u:p@[::1]:6432/db");

        assertEquals("::1", url.host());
        assertEquals(6432, url.port());
    }

    @Test
    void userAndPasswordMayComeFromQueryOptions() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://h:5433/db?user=bob&password=pw");

        assertEquals("bob", url.user());
        assertEquals("pw", url.password());
        assertTrue(url.options().isEmpty());
    }

    @Test
    void theRedactedFormHidesThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://u:topsecret@h:1/d");

        assertFalse(url.redacted().contains("topsecret"));
        assertFalse(url.toString().contains("topsecret"));
        assertEquals(new DatabaseEndpoint("h", 1, "d", "u"), url.endpoint());
    }

    @ParameterizedTest(name = "{0} is refused because {1}")
    @CsvSource(delimiter = '|', value = {
            "mysql://u:p@h/db | scheme 'mysql' is not supported",
            "u:p@h/db | must start with postgres://",
            "postgres://u:p@h:abc/db | port 'abc' is not a number",
            "postgres://u:p@h:0/db | outside 1-65535",
            "postgres://u:p@h:70000/db | outside 1-65535",
            "postgres://u:p@/db | names no host",
            "postgres://:p@h/db | names no user",
            "postgres://u:p@h1,h2/db | several hosts are not supported",
            "postgres://u:p@h/db?sslmode=sometimes | sslmode 'sometimes' is not one of",
            "postgres://u:p@h/db?options=-csearch_path%3Dx | query option 'options' is not supported",
            "postgres://u:p@h/db?sslmode | must have the form name=value",
            "postgres://u:p@h/db?sslmode=require&sslmode=disable | given twice",
            "postgres://u:p%zz@h/db | malformed percent-encoding",
            "postgres://u:p@[::1/db | is not closed",
            "postgres://u:p@h/db?connect_timeout=soon | connect_timeout must be a whole number",
            "postgres://u:p@h/db?host=%2Fvar%2Frun | Unix-domain socket hosts are not supported",
    })
    void malformedUrlsAreRefusedWithTheVariableAndTheReason(String value, String reason) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DatabaseUrl.parse("DATABASE_URL", value));

        assertTrue(e.getMessage().startsWith("DATABASE_URL is not a valid PostgreSQL URL"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void anEmptyValueNamesTheVariable() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DatabaseUrl.parse("DATABASE_MIGRATION_URL", "  "));

        assertTrue(e.getMessage().startsWith("DATABASE_MIGRATION_URL"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgres://u:hunter2@h:99999/db",
            "postgres://u:hunter2@h/db?bogus=1",
            "postgres://u:hunter2@h1,h2/db",
            "postgres://u:hunter2@h/db?sslmode=maybe",
    })
    void errorMessagesNeverContainThePassword(String value) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> DatabaseUrl.parse("DATABASE_URL", value));

        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
