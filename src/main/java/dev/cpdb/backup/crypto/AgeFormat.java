package dev.cpdb.backup.crypto;

import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Constants and small pieces shared by the writer and reader of the age v1 format
 * ({@code age-encryption.org/v1}): header lines, unpadded base64 and the ChaCha20-Poly1305 calls.
 */
final class AgeFormat {

    static final String VERSION_LINE = "age-encryption.org/v1";
    static final String X25519_LABEL = "age-encryption.org/v1/X25519";
    static final int FILE_KEY_BYTES = 16;
    static final int NONCE_BYTES = 16;
    static final int CHUNK = 64 * 1024;
    static final int TAG = 16;
    static final int COLUMNS = 64;

    private AgeFormat() {
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Strict unpadded base64: padding and non-canonical trailing bits are refused, as age does. */
    static byte[] unbase64(String text) throws AgeException {
        if (text.indexOf('=') >= 0 || text.indexOf('\r') >= 0) {
            throw new AgeException("the header has padded or malformed base64");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new AgeException("the header has malformed base64");
        }
        if (!base64(bytes).equals(text)) {
            throw new AgeException("the header has non-canonical base64");
        }
        return bytes;
    }

    /** ChaCha20-Poly1305 with a 12-byte nonce and no associated data. */
    static byte[] seal(int mode, byte[] key, byte[] nonce, byte[] input, int offset, int length)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return cipher.doFinal(input, offset, length);
    }

    /** The STREAM nonce of a payload chunk: 11-byte big-endian counter, then 1 for the last chunk, else 0. */
    static byte[] chunkNonce(long counter, boolean last) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) {
            nonce[10 - i] = (byte) (counter >>> (8 * i));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }
}
