package dev.cpdb.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * AES-256-GCM encryption of secret values under the {@link MasterKey}: a random 96-bit nonce per value, a 128-bit
 * tag, and the secret's id and version as associated data, so a ciphertext copied to another row does not decrypt.
 */
@ApplicationScoped
public class SecretCipher {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKey masterKey;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    /** An encrypted value as stored in {@code company_secret_versions}. */
    public record Sealed(byte[] nonce, byte[] ciphertext, String keyFingerprint) {
    }

    public Sealed seal(UUID secretId, int version, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(secretId, version));
            byte[] ciphertext = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return new Sealed(nonce, ciphertext, masterKey.fingerprint());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts a stored value.
     *
     * @throws SecretUnreadableException when it was encrypted under another key, or was altered
     */
    public String open(UUID secretId, int version, Sealed sealed) {
        if (!sealed.keyFingerprint().equals(masterKey.fingerprint())) {
            throw new SecretUnreadableException("version " + version + " of secret " + secretId + " was encrypted "
                    + "with the master key " + sealed.keyFingerprint() + ", but this instance has "
                    + masterKey.fingerprint() + "; configure the original CPDB_SECRETS_MASTER_KEY", true);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData(secretId, version));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretUnreadableException("version " + version + " of secret " + secretId
                    + " failed its integrity check: the stored value was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private static byte[] associatedData(UUID secretId, int version) {
        return ByteBuffer.allocate(20)
                .putLong(secretId.getMostSignificantBits())
                .putLong(secretId.getLeastSignificantBits())
                .putInt(version)
                .array();
    }
}
