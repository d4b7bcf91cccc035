package dev.cpdb.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.CpdbConfig;
import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.testing.TestFolders;

/** Where the operator token comes from, and how it is checked. */
class AdminTokenTest {

    @Test
    void onTheEmbeddedDefaultATokenIsGeneratedOnceIntoAPrivateFile() throws Exception {
        InstanceDirectory instance = instance();
        AdminToken first = new AdminToken(Optional::empty, instance);
        first.initialize(true);
        Path file = instance.path().resolve(AdminToken.FILE_NAME);
        String token = Files.readString(file).strip();

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(token.length() >= 40, "32 random bytes, base64url");
        assertTrue(first.matches(token));

        AdminToken second = new AdminToken(Optional::empty, instance);
        second.initialize(true);
        assertTrue(second.matches(token), "the token is kept across restarts");
        assertEquals(token, Files.readString(file).strip());
    }

    @Test
    void aConfiguredTokenWinsAndIsCheckedExactly() {
        AdminToken token = new AdminToken(() -> Optional.of("configured-token-0123456789"), instance());
        token.initialize(true);

        assertTrue(token.matches("configured-token-0123456789"));
        assertFalse(token.matches("configured-token-012345678"));
        assertFalse(token.matches("configured-token-0123456789x"));
        assertFalse(token.matches(null));
        assertEquals("CPDB_ADMIN_TOKEN", token.source());
    }

    @Test
    void aShortConfiguredTokenIsRefused() {
        AdminToken token = new AdminToken(() -> Optional.of("short"), instance());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> token.initialize(false));
        assertTrue(e.getMessage().contains("CPDB_ADMIN_TOKEN"), e.getMessage());
    }

    @Test
    void withoutATokenOnAnExternalDatabaseNobodyIsAnOperator() {
        AdminToken token = new AdminToken(Optional::empty, instance());
        token.initialize(false);

        assertFalse(token.configured());
        assertFalse(token.matches(""));
    }

    private static InstanceDirectory instance() {
        Path home = TestFolders.create("cpdb-token");
        return new InstanceDirectory(new CpdbConfig() {
            @Override
            public Optional<String> home() {
                return Optional.of(home.toString());
            }

            @Override
            public String instanceId() {
                return "default";
            }

            @Override
            public String pooler() {
                return "auto";
            }

            @Override
            public Embedded embedded() {
                return null;
            }

            @Override
            public Migration migration() {
                return null;
            }
        });
    }
}
