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
        return new Sealed(nonce, encrypt(nonce, associatedData(secretId, version), value), masterKey.fingerprint());
    }

    /**
     * Encrypts {@code value} bound to {@code context} (which must be given again to decrypt it).
     *
     * @return the nonce followed by the ciphertext and tag
     */
    byte[] sealBound(String context, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] ciphertext = encrypt(nonce, context.getBytes(StandardCharsets.UTF_8), value);
        byte[] sealed = new byte[NONCE_BYTES + ciphertext.length];
        System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
        System.arraycopy(ciphertext, 0, sealed, NONCE_BYTES, ciphertext.length);
        return sealed;
    }

    /**
     * Decrypts what {@link #sealBound} made for the same {@code context}.
     *
     * @throws IllegalStateException when it was encrypted under another key or for another context, or altered
     */
    String openBound(String context, byte[] sealed) {
        if (sealed.length <= NONCE_BYTES) {
            throw new IllegalStateException("the stored value is too short to be an encrypted one");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES),
                    StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("it was encrypted with another master key, or altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private byte[] encrypt(byte[] nonce, byte[] associatedData, String value) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
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
