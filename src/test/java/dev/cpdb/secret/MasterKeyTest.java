package dev.cpdb.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.CpdbConfig;
import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.testing.TestFolders;

/** Where the secrets master key comes from and which forms it may take (the secrets section). */
class MasterKeyTest {

    private static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    @Test
    void aKeyIsAcceptedAsHexBase64OrRaw32Characters() {
        assertArrayEquals(KEY, MasterKey.parse(HexFormat.of().formatHex(KEY), "test"));
        assertArrayEquals(KEY, MasterKey.parse(Base64.getEncoder().encodeToString(KEY), "test"));
        assertArrayEquals(KEY, MasterKey.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(KEY), "test"));
        assertArrayEquals("abcdefghijklmnopqrstuvwxyz012345".getBytes(StandardCharsets.US_ASCII),
                MasterKey.parse(" abcdefghijklmnopqrstuvwxyz012345\n", "test"));
    }

    @Test
    void aKeyOfAnotherSizeIsRefusedNamingItsSource() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> MasterKey.parse("too-short", "CPDB_SECRETS_MASTER_KEY"));
        assertTrue(e.getMessage().startsWith("CPDB_SECRETS_MASTER_KEY is not a 32-byte key"), e.getMessage());
        assertThrows(InvalidConfigurationException.class,
                () -> MasterKey.parse(Base64.getEncoder().encodeToString(new byte[16]), "test"));
    }

    @Test
    void withoutConfigurationAKeyFileIsCreatedOnceWithMode0600() throws Exception {
        InstanceDirectory instance = instance();
        MasterKey first = new MasterKey(config(null, null), instance);

        String fingerprint = first.fingerprint();

        Path file = instance.path().resolve(MasterKey.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).strip()).length);
        assertEquals(fingerprint, new MasterKey(config(null, null), instance).fingerprint(), "kept across restarts");
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheFileOverTheInstanceKey() throws Exception {
        Path keyFile = TestFolders.create("cpdb-key").resolve("key");
        Files.writeString(keyFile, HexFormat.of().formatHex(KEY) + "\n");
        String other = Base64.getEncoder().encodeToString(new byte[32]);

        MasterKey fromFile = new MasterKey(config(null, keyFile.toString()), instance());
        MasterKey fromEnv = new MasterKey(config(other, keyFile.toString()), instance());

        assertEquals(MasterKey.fingerprintOf(KEY), fromFile.fingerprint());
        assertEquals(MasterKey.fingerprintOf(new byte[32]), fromEnv.fingerprint());
        assertNotEquals(fromFile.fingerprint(), fromEnv.fingerprint());
    }

    @Test
    void aMissingKeyFileIsAConfigurationError() {
        MasterKey key = new MasterKey(config(null, "/nonexistent/cpdb/key"), instance());

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, key::key);
        assertTrue(e.getMessage().contains("CPDB_SECRETS_MASTER_KEY_FILE"), e.getMessage());
    }

    static SecretsConfig config(String key, String file) {
        return new SecretsConfig() {
            @Override
            public Optional<String> masterKey() {
                return Optional.ofNullable(key);
            }

            @Override
            public Optional<String> masterKeyFile() {
                return Optional.ofNullable(file);
            }

            @Override
            public boolean strictMode() {
                return false;
            }
        };
    }

    static InstanceDirectory instance() {
        Path home = TestFolders.create("cpdb-secrets");
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
