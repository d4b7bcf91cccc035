package dev.cpdb.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * AES-256-GCM sealing of secret values: what one key seals, only that key opens, for that secret and version only
 * (GCM's authentication tag covers the ciphertext and the associated data).
 */
class SecretCipherTest {

    private static final UUID SECRET = UUID.fromString("0192f3a0-7c1e-7d2a-9b3c-4d5e6f708192");

    private final SecretCipher cipher = cipher(new byte[32]);

    @Test
    void aValueRoundTripsAndIsNotStoredInClear() {
        SecretCipher.Sealed sealed = cipher.seal(SECRET, 1, "hunter2-hunter2");

        assertEquals("hunter2-hunter2", cipher.open(SECRET, 1, sealed));
        assertEquals(12, sealed.nonce().length);
        assertEquals("hunter2-hunter2".length() + 16, sealed.ciphertext().length, "value plus a 128-bit tag");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("hunter2"));
    }

    @Test
    void everySealingUsesAFreshNonce() {
        assertNotEquals(Arrays.toString(cipher.seal(SECRET, 1, "x").nonce()),
                Arrays.toString(cipher.seal(SECRET, 1, "x").nonce()));
    }

    @Test
    void aCiphertextMovedToAnotherVersionOrSecretDoesNotOpen() {
        SecretCipher.Sealed sealed = cipher.seal(SECRET, 1, "value");

        assertThrows(SecretUnreadableException.class, () -> cipher.open(SECRET, 2, sealed));
        assertThrows(SecretUnreadableException.class, () -> cipher.open(UUID.randomUUID(), 1, sealed));
    }

    @Test
    void anAlteredCiphertextIsDetected() {
        SecretCipher.Sealed sealed = cipher.seal(SECRET, 1, "value");
        byte[] altered = sealed.ciphertext().clone();
        altered[0] ^= 1;

        SecretUnreadableException e = assertThrows(SecretUnreadableException.class,
                () -> cipher.open(SECRET, 1,
                        new SecretCipher.Sealed(sealed.nonce(), altered, sealed.keyFingerprint())));
        assertTrue(e.getMessage().contains("altered"), e.getMessage());
    }

    @Test
    void aValueSealedUnderAnotherKeyNamesBothFingerprints() {
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        SecretCipher.Sealed sealed = cipher(otherKey).seal(SECRET, 1, "value");

        SecretUnreadableException e = assertThrows(SecretUnreadableException.class,
                () -> cipher.open(SECRET, 1, sealed));
        assertTrue(e.getMessage().contains(MasterKey.fingerprintOf(otherKey)), e.getMessage());
        assertFalse(e.getMessage().contains("value"), "never the value");
    }

    private static SecretCipher cipher(byte[] key) {
        return new SecretCipher(new MasterKey(MasterKeyTest.config(Base64.getEncoder().encodeToString(key), null),
                MasterKeyTest.instance()));
    }
}
